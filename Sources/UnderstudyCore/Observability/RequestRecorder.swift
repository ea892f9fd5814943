import UnderstudyHTTP
import UnderstudyNet

/// One loop's observer of finished requests: an access-log line (buffered, flushed once
/// per loop iteration), the request metrics, and the admin plane's event stream (data plane).
final class RequestRecorder: RequestObserver {
    private let output: OutputWriter
    private let logsAccess: Bool
    private let metrics: RequestMetrics
    private let events: LiveEventRecorder?
    private var timestamps = TimestampFormatter()
    private let pending = ByteBuffer(capacity: 64 * 1024)

    init(loop: EventLoop, output: OutputWriter, logsAccess: Bool, metrics: RequestMetrics, events: LiveEventRecorder? = nil) {
        self.output = output
        self.logsAccess = logsAccess
        self.metrics = metrics
        self.events = events
        loop.onIterationEnd { [weak self] in self?.flush() }
    }

    func requestCompleted(_ request: CompletedRequest) {
        metrics.record(request)
        events?.requestCompleted(request)
        guard logsAccess else { return }
        var line = JSONLine(appendingTo: pending)
        line.add("event", "request_completed")
        line.add("time") { timestamps.append(to: $0) }
        line.add("plane", request.plane)
        line.add("request_id", request.requestID)
        line.add("connection_id", request.connectionID)
        line.add("request_number", request.requestNumber)
        line.add("method", request.method)
        line.add("path", request.path)
        line.add("route", request.route)
        if let fault = request.fault { line.add("fault", fault) }
        line.add("status", request.status)
        line.add("bytes_in", request.bytesIn)
        line.add("bytes_out", request.bytesOut)
        line.add("duration_ms", milliseconds: request.durationNanoseconds)
        line.add("remote_address", request.remoteAddress)
        line.close()
        if pending.count > 64 * 1024 { flush() }
    }

    func connectionOpened(_ connection: HTTPConnection) {
        events?.connectionOpened(connection)
    }

    func connectionClosed(_ connection: HTTPConnection, reason: CloseReason) {
        metrics.recordClose(plane: connection.context.settings.plane, reason: reason)
        events?.connectionClosed(connection, reason: reason)
    }

    /// Every firing is logged, access log or not (it is an event, not an access record).
    func faultFired(_ firing: FaultFiring) {
        metrics.recordFault(rule: firing.rule)
        events?.faultFired(firing)
        var line = JSONLine(appendingTo: pending)
        line.add("event", "fault_fired")
        line.add("time") { timestamps.append(to: $0) }
        firing.add(to: &line)
        line.close()
        if pending.count > 64 * 1024 { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        output.write(pending.bytes)
        pending.removeAll()
    }
}
