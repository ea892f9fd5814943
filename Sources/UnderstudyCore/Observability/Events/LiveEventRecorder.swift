import UnderstudyHTTP
import UnderstudyNet

/// One data-plane loop's side of the event stream: counts every request into the loop's
/// statistics window and publishes the per-request and per-connection events the sampler
/// lets through (JSON built here, on the loop, only for those).
final class LiveEventRecorder {
    private let hub: EventHub
    private let window: LiveStatsWindow
    private var timestamps = TimestampFormatter()

    init(hub: EventHub, loops: Int) {
        self.hub = hub
        window = hub.makeWindow(loops: loops)
    }

    func requestCompleted(_ request: CompletedRequest) {
        // Through the gateway: what ALB would log as elb_status_code (460 for a client that left).
        let status = request.proxy?.elbStatus ?? request.status
        if window.record(status: status, durationNanoseconds: request.durationNanoseconds) {
            var line = startLine()
            line.add("request_id", request.requestID)
            line.add("connection_id", request.connectionID)
            line.add("method", request.method)
            line.add("path", request.path)
            line.add("route", request.route)
            line.add("status", status)
            line.add("duration_ms", milliseconds: request.durationNanoseconds)
            if let proxy = request.proxy {
                if let target = proxy.target { line.add("target", target) }
                if let targetStatus = proxy.targetStatus { line.add("target_status", targetStatus) }
                if let cause = proxy.cause { line.add("cause", cause.rawValue) }
            }
            line.add("bytes_in", request.bytesIn)
            line.add("bytes_out", request.bytesOut)
            line.add("remote_address", request.remoteAddress)
            if let fault = request.fault { line.add("fault", fault) }
            hub.publish(.requestCompleted, json: line.finish())
        }
        if Self.isHealthRoute(request.route), window.admits(.healthAnswered) {
            var line = startLine()
            line.add("path", request.path)
            line.add("status", request.status)
            line.add("duration_ms", milliseconds: request.durationNanoseconds)
            line.add("connection_id", request.connectionID)
            hub.publish(.healthAnswered, json: line.finish())
        }
    }

    func connectionOpened(_ connection: HTTPConnection) {
        guard window.admits(.connectionOpened) else { return }
        var line = startLine()
        line.add("connection_id", connection.id)
        line.add("remote_address", connection.stream.peerAddress)
        line.add("scheme", connection.stream.isEncrypted ? "https" : "http")
        hub.publish(.connectionOpened, json: line.finish())
    }

    func connectionClosed(_ connection: HTTPConnection, reason: CloseReason) {
        guard window.admits(.connectionClosed) else { return }
        var line = startLine()
        line.add("connection_id", connection.id)
        line.add("reason", reason.rawValue)
        line.add("requests", connection.requestCount)
        line.add("open_ms", milliseconds: EventLoop.monotonicNow() &- connection.openedAt)
        hub.publish(.connectionClosed, json: line.finish())
    }

    func faultFired(_ firing: FaultFiring) {
        guard window.admits(.faultFired) else { return }
        var line = startLine()
        firing.add(to: &line)
        hub.publish(.faultFired, json: line.finish())
    }

    /// Routes whose answers are `health_answered` events (plain comparisons: no hashing per request).
    private static func isHealthRoute(_ route: String) -> Bool {
        route == "/health" || route == "/readyz" || route == "/livez"
    }

    private func startLine() -> JSONLine {
        var line = JSONLine()
        line.add("time") { timestamps.append(to: $0) }
        return line
    }
}
