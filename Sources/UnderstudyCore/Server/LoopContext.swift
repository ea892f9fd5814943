import UnderstudyHTTP
import UnderstudyNet

/// What one loop's connections of one plane share: settings, the route handler, stats,
/// the request observer (access log, metrics), the open connections and small caches.
/// Owned by its loop; only that loop's thread touches it.
final class LoopContext {
    let loop: EventLoop
    let settings: ConnectionSettings
    let handler: RequestHandler
    let stats: LoopStats
    let shared: PlaneShared
    let observer: RequestObserver?
    /// The plane's worker slots when requests take them (event model with a worker limit).
    let requestSlots: WorkerPool?
    /// The plane's worker slots when connections take them (prefork with a worker limit).
    let connectionSlots: WorkerPool?
    let deadlines: DeadlineDurations
    /// `settings.deadlinesAreIdle`, read on every read.
    let deadlinesAreIdle: Bool
    /// `settings.maxConnectionAge` in ns, 0 for none.
    let maxConnectionAge: UInt64
    /// Where responses are serialized before their one `write` (shared: a loop writes one at a time).
    let outputScratch = ByteBuffer(capacity: 16 * 1024)
    var connections: [UInt64: HTTPConnection] = [:]
    private var dateSecond = -1
    private var dateValue = ""
    private var requestIDs = RequestIDGenerator()

    init(loop: EventLoop, settings: ConnectionSettings, handler: @escaping RequestHandler,
         stats: LoopStats, shared: PlaneShared, observer: RequestObserver?, workers: WorkerPool? = nil) {
        self.loop = loop
        self.requestSlots = workers?.model == .event ? workers : nil
        self.connectionSlots = workers?.model == .prefork ? workers : nil
        self.settings = settings
        self.handler = handler
        self.stats = stats
        self.shared = shared
        self.observer = observer
        self.deadlines = DeadlineDurations(settings)
        self.deadlinesAreIdle = settings.deadlinesAreIdle
        self.maxConnectionAge = settings.maxConnectionAge?.nanoseconds ?? 0
        // Sized up front (only touched pages cost memory), so a burst of connections does not
        // rehash the table mid-burst.
        connections.reserveCapacity(min(settings.maxConnections > 0 ? settings.maxConnections : 16_384, 16_384))
    }

    /// The `Date` header value, formatted once per second.
    var httpDate: String {
        let second = WallClock.epochSeconds()
        if second != dateSecond {
            dateSecond = second
            dateValue = HTTPDate.format(epochSeconds: second)
        }
        return dateValue
    }

    func makeRequestID() -> String { requestIDs.next() }

    /// Adopts a freshly accepted stream, unless the plane is at its connection limit.
    /// `admitted`: the acceptor took room in the worker pool for it (a prefork slot, or a
    /// place under the event model's accept limit), which the connection now owns.
    /// A stream without a descriptor (in-memory, in tests) is driven by its owner instead.
    @discardableResult
    func adopt(_ stream: ByteStream, admitted: Bool = false) -> HTTPConnection? {
        guard shared.admitConnection(limit: settings.maxConnections) else {
            if admitted { connectionSlots?.releaseSlot(); requestSlots?.connectionLeft() }
            stream.close()
            return nil
        }
        let connection = HTTPConnection(id: shared.makeConnectionID(), stream: stream, context: self)
        if admitted {
            if connectionSlots != nil { connection.takeAdmittedSlot() }
            connection.countsTowardAcceptLimit = requestSlots != nil
        }
        if stream.fileDescriptor >= 0 {
            do {
                try loop.register(connection, fileDescriptor: stream.fileDescriptor, for: [.readable, .writable, .readHangup])
            } catch {
                shared.releaseConnection()
                connection.leaveWorkerPool()
                stream.close()
                return nil
            }
        }
        connections[connection.id] = connection
        connection.start()
        return connection
    }

    func forget(_ connection: HTTPConnection) {
        connections[connection.id] = nil
        shared.releaseConnection()
    }

    /// Closes connections that wait between requests; others close after their response.
    func closeIdleConnections() {
        for connection in Array(connections.values) { connection.closeIfIdle() }
    }

    /// Event model, all workers busy: closes idle keep-alive connections (Apache's
    /// `process_keepalive_queue(0)`), so clients reconnect where a worker can take them.
    func closeKeepAliveIdleConnections() {
        for connection in Array(connections.values) { connection.closeIfKeepAliveIdle() }
    }

    func closeAll() {
        for connection in Array(connections.values) { connection.abortNow() }
    }
}

/// Request ids: the client's `X-Request-Id` when sane, else a per-loop random base plus a
/// counter, as 16 hex digits (unique enough to join logs, cheap to make).
struct RequestIDGenerator {
    private var counter = UInt64.random(in: 0...UInt64.max)

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func next() -> String {
        counter &+= 0x9E37_79B9_7F4A_7C15   // Weyl sequence: distinct for 2^64 steps
        let value = counter
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = Self.hexDigits[Int((value >> UInt64(60 - 4 * index)) & 0xF)]
            }
            return 16
        }
    }
}

/// The connection deadlines in nanoseconds, converted from `Duration` once per loop
/// (the conversion is not free, and deadlines move on every request).
struct DeadlineDurations {
    let handshake, firstByte, keepAlive, header, body, write, linger: UInt64

    init(_ settings: ConnectionSettings) {
        handshake = settings.handshakeTimeout.nanoseconds
        firstByte = settings.headerTimeout.nanoseconds
        keepAlive = settings.keepAliveTimeout.nanoseconds
        header = settings.headerTimeout.nanoseconds
        body = settings.bodyTimeout.nanoseconds
        write = settings.writeTimeout.nanoseconds
        linger = settings.lingerTimeout.nanoseconds
    }

    func nanoseconds(for kind: HTTPConnection.DeadlineKind) -> UInt64 {
        switch kind {
        case .handshake: handshake
        case .firstByte: firstByte
        case .keepAlive: keepAlive
        case .header: header
        case .body: body
        case .write: write
        case .linger: linger
        }
    }
}
