/// Everything one `understudy load` run needs.
public struct LoadSettings: Sendable {
    public var url: ClientURL
    /// Connections in the pool (each carries one request at a time).
    public var connections: Int
    /// Requests per second across the pool, spread evenly.
    public var rate: Double
    public var duration: Duration
    /// Per request, connect included; a timed-out request's connection is closed.
    public var timeout: Duration
    public var json = false

    public init(url: ClientURL, connections: Int = 10, rate: Double = 10, duration: Duration = .seconds(10),
                timeout: Duration = .seconds(10)) {
        self.url = url
        self.connections = connections
        self.rate = rate
        self.duration = duration
        self.timeout = timeout
    }

    /// Time between two turns of one connection: connections / rate.
    var perConnectionInterval: UInt64 { UInt64(Double(connections) / rate * 1e9) }

    public func validate() throws(ClientArgumentError) {
        if !(1...10_000).contains(connections) { throw .outOfRange(flag: "--connections", value: connections, range: 1...10_000) }
        if !(rate > 0) || !rate.isFinite { throw .notPositive(flag: "--rate") }
        // At most a day between two turns of one connection (keeps the schedule in range).
        if Double(connections) / rate > 86_400 { throw .notBelow(flag: "--connections / --rate", other: "one day") }
        if duration <= .zero { throw .notPositive(flag: "--duration") }
        if timeout <= .zero { throw .notPositive(flag: "--timeout") }
    }
}
