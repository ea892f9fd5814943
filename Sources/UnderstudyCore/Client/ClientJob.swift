import UnderstudyNet

/// A client job run on a loop of its own through `ClientLoop` (a probe, a keep-alive
/// measurement, a load run): its settings, its report, and how it starts on the loop. The
/// target is resolved first (that may block, so never on a loop).
protocol ClientJob: SendableMetatype {
    associatedtype Settings: Sendable
    associatedtype Report: Sendable
    /// The loop's thread name.
    static var loopName: String { get }
    static func url(in settings: Settings) -> ClientURL
    /// Starts the job on `loop`; returns what an early stop does there.
    static func start(_ settings: Settings, loop: EventLoop, address: SocketAddress, output: OutputWriter,
                      finish: @escaping (Report) -> Void) -> () -> Void
}

extension ClientJob {
    /// Runs to the end (duration, answer, or `stop`) for an async caller.
    static func run(_ settings: Settings, output: OutputWriter, stop: StopSignal) async throws -> Report {
        let address = try resolve(url(in: settings))
        return try await ClientLoop.run(name: loopName, stop: stop) { loop, finish in
            start(settings, loop: loop, address: address, output: output, finish: finish)
        }
    }

    /// The same, blocking the calling thread (the CLI's main thread, never a loop).
    static func runBlocking(_ settings: Settings, output: OutputWriter, stop: StopSignal) throws -> Report {
        let address = try resolve(url(in: settings))
        return try ClientLoop.runBlocking(name: loopName, stop: stop) { loop, finish in
            start(settings, loop: loop, address: address, output: output, finish: finish)
        }
    }

    static func resolve(_ url: ClientURL) throws(ClientArgumentError) -> SocketAddress {
        do {
            return try SocketAddress(resolvingHost: url.host, port: url.port)
        } catch {
            throw .unresolvable(host: url.host, reason: "no address found")
        }
    }
}
