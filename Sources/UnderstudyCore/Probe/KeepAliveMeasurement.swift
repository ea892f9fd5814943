import UnderstudyNet

/// What `--measure-keepalive` found.
public struct KeepAliveReport: Sendable {
    public enum Finding: Sendable, Equatable {
        /// The server closed the idle connection this long after the response ended.
        case closedAfter(nanoseconds: UInt64, how: IdleClose)
        /// Still open when the wait ended.
        case stillOpen(afterNanoseconds: UInt64)
        /// The response itself ended the connection (`Connection: close` or close-delimited).
        case closedWithResponse(status: Int)
        /// The request failed.
        case failed(ClientFailure)
    }

    public var finding: Finding
    /// The server closes idle connections before the load balancer does: the keep-alive race.
    public var isShorterThanLoadBalancer: Bool
    /// Still open, but the wait ended (interrupted, or `--max-wait`) before the load
    /// balancer's idle timeout: nothing proven either way.
    public var isInconclusive = false
    /// 0: the target keeps connections at least as long as the LB; 1: shorter, unknown, or no answer.
    public var exitCode: Int32 { isShorterThanLoadBalancer || isInconclusive || isFailure ? 1 : 0 }

    private var isFailure: Bool { if case .failed = finding { true } else { false } }
}

/// Opens one keep-alive connection, sends one request, then waits idle and times how long
/// after the response's end the server closes it; warns when that is shorter than the load
/// balancer's idle timeout (the cause of intermittent 502s). Owned by its loop.
final class KeepAliveMeasurement: ClientJob {
    static let loopName = "probe"
    static func url(in settings: ProbeSettings) -> ClientURL { settings.url }

    private let settings: ProbeSettings
    private let lbIdleTimeout: Duration
    private let maxWait: Duration
    private let loop: EventLoop
    private let connection: HTTPClientConnection
    private let out: ClientOutput
    private var finish: ((KeepAliveReport) -> Void)?
    private var waitTimer: TimerHandle?
    private var responseEndedAt: UInt64 = 0

    init(settings: ProbeSettings, loop: EventLoop, address: SocketAddress, output: OutputWriter,
         finish: @escaping (KeepAliveReport) -> Void) {
        self.settings = settings
        if case .measureKeepAlive(let idle, let wait) = settings.mode {
            (lbIdleTimeout, maxWait) = (idle, wait)
        } else {
            (lbIdleTimeout, maxWait) = (.seconds(60), .seconds(600))
        }
        self.loop = loop
        connection = HTTPClientConnection(loop: loop, address: address, tls: settings.url.makeTLSContext(),
                                          serverName: settings.url.serverName)
        out = ClientOutput(writer: output, json: settings.json)
        self.finish = finish
    }

    static func start(_ settings: ProbeSettings, loop: EventLoop, address: SocketAddress, output: OutputWriter,
                      finish: @escaping (KeepAliveReport) -> Void) -> () -> Void {
        let measurement = KeepAliveMeasurement(settings: settings, loop: loop, address: address, output: output, finish: finish)
        measurement.start()
        return {
            guard measurement.responseEndedAt != 0 else { return measurement.report(.failed(.interrupted)) }
            measurement.report(.stillOpen(afterNanoseconds: EventLoop.monotonicNow() &- measurement.responseEndedAt))
        }
    }

    private func start() {
        let request = ClientRequest(url: settings.url, userAgent: "understudy-probe (keep-alive measurement)")
        connection.send(request, timeout: settings.timeout) { [self] outcome in
            switch outcome.result {
            case .failed(let failure):
                report(.failed(failure))
            case .connected:
                report(.failed(.closedBeforeResponse))
            case .response(let response):
                guard connection.state == .idle else { return report(.closedWithResponse(status: response.status)) }
                responseEndedAt = EventLoop.monotonicNow()
                connection.onIdleClose = { [self] how, at in report(.closedAfter(nanoseconds: at &- responseEndedAt, how: how)) }
                waitTimer = loop.schedule(after: maxWait) { [self] in
                    report(.stillOpen(afterNanoseconds: EventLoop.monotonicNow() &- responseEndedAt))
                }
                output("response \(response.status); waiting for the server to close the idle connection (up to \(ConfigDuration(maxWait)))")
            }
        }
    }

    private func report(_ finding: KeepAliveReport.Finding) {
        guard let finish else { return }
        self.finish = nil
        if let waitTimer { loop.cancel(waitTimer) }
        connection.close()
        let lb = UInt64(lbIdleTimeout.nanosecondsClamped)
        let isShorter = switch finding {
        case .closedAfter(let ns, _): ns < lb
        case .stillOpen: false
        case .closedWithResponse: true
        case .failed: false
        }
        var report = KeepAliveReport(finding: finding, isShorterThanLoadBalancer: isShorter)
        if case .stillOpen(let ns) = finding { report.isInconclusive = ns < lb }
        write(report)
        finish(report)
    }

    private func output(_ text: String) {
        if !out.isJSON { out.text(text) }
    }

    private func write(_ report: KeepAliveReport) {
        let lb = ConfigDuration(lbIdleTimeout).description
        if out.isJSON {
            out.json("keepalive_measured") { line in
                switch report.finding {
                case .closedAfter(let ns, let how):
                    line.add("idle_timeout_ms", milliseconds: ns)
                    line.add("closed_by", how.rawValue)
                case .stillOpen(let ns):
                    line.add("still_open_after_ms", milliseconds: ns)
                case .closedWithResponse(let status):
                    line.add("status", status)
                    line.add("closed_with_response", true)
                case .failed(let failure):
                    line.add("error", failure.code)
                }
                line.add("lb_idle_timeout_ms", milliseconds: UInt64(lbIdleTimeout.nanosecondsClamped))
                line.add("shorter_than_lb", report.isShorterThanLoadBalancer)
                if report.isInconclusive { line.add("inconclusive", true) }
            }
            return
        }
        switch report.finding {
        case .closedAfter(let ns, let how):
            out.text("server closed the idle connection after \(ClientOutput.seconds(ns)) (\(how == .reset ? "reset" : "FIN"))")
        case .stillOpen(let ns):
            out.text("connection still open after \(ClientOutput.seconds(ns)); the server keeps idle connections at least that long")
        case .closedWithResponse(let status):
            out.text("response \(status) closed the connection: the server does not keep connections alive")
        case .failed(let failure):
            out.text("request failed: \(failure)")
        }
        if report.isInconclusive {
            out.text("warning: the wait ended before the load balancer's idle timeout (\(lb)): inconclusive")
        }
        if report.isShorterThanLoadBalancer {
            out.text("warning: shorter than the load balancer's idle timeout (\(lb)): the server can close a pooled "
                     + "connection just as the load balancer sends on it (intermittent 502s); make the keep-alive "
                     + "timeout longer than \(lb)")
        }
    }
}
