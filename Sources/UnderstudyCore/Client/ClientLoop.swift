import Dispatch
import UnderstudyNet

/// Runs one client job (probe, keep-alive measurement, load) on an `EventLoop` of its own
/// thread and hands its report back once: to an async caller (tests) or a blocked main
/// thread (the CLI). `start` runs on the loop, gets the finish callback and returns what
/// an early stop does there.
enum ClientLoop {
    typealias Start<Report> = @Sendable (EventLoop, _ finish: @escaping (Report) -> Void) -> (() -> Void)

    static func run<Report: Sendable>(name: String, stop: StopSignal, _ start: @escaping Start<Report>) async throws(SocketError) -> Report {
        let loop = try EventLoop(name: name)
        loop.start()
        defer { loop.stop() }
        return await withCheckedContinuation { continuation in
            launch(on: loop, stop: stop, start) { continuation.resume(returning: $0) }
        }
    }

    /// The same, blocking the calling thread (never a loop) until the report is ready.
    static func runBlocking<Report: Sendable>(name: String, stop: StopSignal, _ start: @escaping Start<Report>) throws(SocketError) -> Report {
        let loop = try EventLoop(name: name)
        loop.start()
        defer { loop.stop() }
        let done = DispatchSemaphore(value: 0)
        let result = Locked<Report?>(nil)
        launch(on: loop, stop: stop, start) { report in
            result.withLock { $0 = report }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    private static func launch<Report: Sendable>(on loop: EventLoop, stop: StopSignal, _ start: @escaping Start<Report>,
                                                 deliver: @escaping @Sendable (Report) -> Void) {
        loop.execute {
            var isDelivered = false
            let interrupt = start(loop) { report in
                guard !isDelivered else { return }
                isDelivered = true
                deliver(report)
            }
            let bound = LoopBound(interrupt, on: loop)
            stop.onStop { loop.execute { bound.value() } }
        }
    }
}
