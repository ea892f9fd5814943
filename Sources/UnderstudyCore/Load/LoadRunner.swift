import UnderstudyNet

/// Sends requests as a load balancer's connection pool does: N connections, each opened
/// at its first turn and kept alive, never closed by the client (but for a timed-out
/// request); turns spread evenly so the pool makes `rate` requests/s; a connection the
/// server closed is reopened only at its next turn (reconnecting at once would keep
/// workers busy and hide the fix); a turn that finds its connection busy is counted, not
/// given an extra connection. Owned by its loop.
final class LoadRunner: ClientJob {
    static let loopName = "load"
    static func url(in settings: LoadSettings) -> ClientURL { settings.url }

    private let settings: LoadSettings
    private let loop: EventLoop
    private let request: ClientRequest
    private let output: LoadOutput
    private let pool: [HTTPClientConnection]
    private var turnTimers: [TimerHandle?]
    private var finish: ((LoadReport) -> Void)?
    private var report = LoadReport()
    private var startedAt: UInt64 = 0
    private var endsAt: UInt64 = 0
    private var isEnding = false
    private var inFlight = 0
    private var endTimer: TimerHandle?

    init(settings: LoadSettings, loop: EventLoop, address: SocketAddress, output: LoadOutput,
         finish: @escaping (LoadReport) -> Void) {
        self.settings = settings
        self.loop = loop
        self.output = output
        self.finish = finish
        request = ClientRequest(url: settings.url, userAgent: "understudy-load")
        let tls = settings.url.makeTLSContext()
        pool = (0..<settings.connections).map { _ in
            HTTPClientConnection(loop: loop, address: address, tls: tls, serverName: settings.url.serverName)
        }
        turnTimers = Array(repeating: nil, count: settings.connections)
    }

    static func start(_ settings: LoadSettings, loop: EventLoop, address: SocketAddress, output: OutputWriter,
                      finish: @escaping (LoadReport) -> Void) -> () -> Void {
        let runner = LoadRunner(settings: settings, loop: loop, address: address,
                                output: LoadOutput(ClientOutput(writer: output, json: settings.json)), finish: finish)
        runner.start()
        return { runner.interrupt() }
    }

    // MARK: Running

    private func start() {
        startedAt = EventLoop.monotonicNow()
        endsAt = startedAt &+ UInt64(settings.duration.nanosecondsClamped)
        let spacing = UInt64(1e9 / settings.rate)
        for (index, connection) in pool.enumerated() {
            connection.onIdleClose = { [self] _, _ in report.serverCloses += 1 }
            schedule(index, at: startedAt &+ UInt64(index) &* spacing)
        }
        endTimer = loop.schedule(at: endsAt) { [self] in end() }
    }

    private func schedule(_ index: Int, at due: UInt64) {
        guard due < endsAt else {
            turnTimers[index] = nil
            return
        }
        turnTimers[index] = loop.schedule(at: due) { [self] in
            // The next turn on this connection's grid; slots already past are skipped (a
            // load balancer does not catch up on requests it never sent).
            let interval = settings.perConnectionInterval
            var next = due &+ interval
            let now = EventLoop.monotonicNow()
            if next <= now && interval > 0 {
                let missed = (now - next) / interval + 1
                // Counted only up to the end of the run, like the turns that were taken.
                let beforeEnd = next < endsAt ? (endsAt - 1 - next) / interval + 1 : 0
                report.skippedLate += Int(min(missed, beforeEnd))
                next &+= missed &* interval
            }
            schedule(index, at: next)
            take(index)
        }
    }

    private func take(_ index: Int) {
        guard !isEnding else { return }
        let connection = pool[index]
        if connection.isBusy {
            report.skippedBusy += 1
            return
        }
        report.requests += 1
        inFlight += 1
        connection.send(request, timeout: settings.timeout) { [self] outcome in
            inFlight -= 1
            if outcome.reusedConnection { report.reusedRequests += 1 }
            switch outcome.result {
            case .response(let response):
                report.statusCounts[response.status, default: 0] += 1
                _ = report.latency.record(max(outcome.latencyNanoseconds / 1_000, 1))
            case .connected:
                break
            case .failed(let failure):
                report.errorCounts[failure.code, default: 0] += 1
            }
            if isEnding && inFlight == 0 { complete() }
        }
    }

    /// The duration is over: no new turns; the run completes when the requests in flight
    /// do (each within its timeout).
    private func end() {
        endTimer = nil
        isEnding = true
        cancelTurns()
        if inFlight == 0 { complete() }
    }

    /// SIGINT: stop now, dropping requests in flight.
    private func interrupt() {
        guard finish != nil else { return }
        report.wasInterrupted = true
        isEnding = true
        cancelTurns()
        if let endTimer { loop.cancel(endTimer) }
        complete()
    }

    private func cancelTurns() {
        for case let timer? in turnTimers { loop.cancel(timer) }
        turnTimers = Array(repeating: nil, count: turnTimers.count)
    }

    private func complete() {
        guard let finish else { return }
        self.finish = nil
        report.connectionsOpened = pool.reduce(0) { $0 + $1.connectionsOpened }
        for connection in pool { connection.close() }   // the run is over; nothing reuses them now
        report.elapsedNanoseconds = EventLoop.monotonicNow() &- startedAt
        output.summary(report)
        finish(report)
    }
}
