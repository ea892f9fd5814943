import Prometheus
import UnderstudyHTTP
import UnderstudyNet

/// One loop's access log for the gateway, in ALB's format (Access logs for your Application
/// Load Balancer: 29 space-separated fields, `-1` and `-` where AWS writes them) or as JSON
/// with the same fields (plus the gateway's `cause`); lines are buffered and flushed once
/// per loop iteration. Also feeds the gateway's request metrics and its admin plane's event stream.
final class GatewayAccessLog: RequestObserver {
    struct Identity: Sendable {
        /// ALB's `elb` field: `app/understudy-gateway/<16 hex>`.
        let loadBalancer: String
        let targetGroupARN: String
    }

    private let output: OutputWriter
    private let format: GatewayLogFormat?
    private let identity: Identity
    private let metrics: GatewayMetrics
    private let events: LiveEventRecorder?
    private var timestamps = ALBTimestamp()
    private struct StatusPair: Hashable {
        var elb: Int
        var target: Int?
    }
    /// This loop's handles of the request counters (no lock, no key string per request).
    private var counters: [StatusPair: Counter] = [:]
    private let pending = ByteBuffer(capacity: 64 * 1024)

    /// `format` nil: no access log, metrics only.
    init(loop: EventLoop, output: OutputWriter, format: GatewayLogFormat?, identity: Identity, metrics: GatewayMetrics,
         events: LiveEventRecorder? = nil) {
        self.output = output
        self.format = format
        self.identity = identity
        self.metrics = metrics
        self.events = events
        loop.onIterationEnd { [weak self] in self?.flush() }
    }

    func requestCompleted(_ request: CompletedRequest) {
        events?.requestCompleted(request)
        let proxy = request.proxy
        // The connection reports 499 for a client that left; ALB's code for it is 460.
        let elbStatus = proxy?.elbStatus ?? (request.status == 499 ? 460 : request.status)
        let pair = StatusPair(elb: elbStatus, target: proxy?.targetStatus)
        if let counter = counters[pair] {
            counter.increment()
        } else {
            let counter = metrics.requestCounter(elbStatus: elbStatus, targetStatus: proxy?.targetStatus)
            counters[pair] = counter
            counter.increment()
        }
        if let cause = proxy?.cause ?? (request.status == 499 ? .clientClosed : nil) { metrics.recordCause(cause) }
        guard let format else { return }
        let entry = Entry(request: request, proxy: proxy, elbStatus: elbStatus)
        switch format {
        case .alb: writeALB(entry)
        case .json: writeJSON(entry)
        }
        if pending.count > 64 * 1024 { flush() }
    }

    func connectionOpened(_ connection: HTTPConnection) {
        events?.connectionOpened(connection)
    }

    func connectionClosed(_ connection: HTTPConnection, reason: CloseReason) {
        events?.connectionClosed(connection, reason: reason)
    }

    func faultFired(_ firing: FaultFiring) {}

    func flush() {
        guard !pending.isEmpty else { return }
        output.write(pending.bytes)
        pending.removeAll()
    }

    /// The values of one line, as ALB writes them.
    private struct Entry {
        let request: CompletedRequest
        let proxy: ProxyRecord?
        let elbStatus: Int
        let now = WallClock.epochNanoseconds()

        var target: String { proxy?.target ?? "-" }
        var targetStatus: String { proxy?.targetStatus.map(String.init) ?? "-" }
        /// A request the gateway could not parse reached no rule: `-` (ALB: "for any other error").
        var wasParsed: Bool { proxy != nil }
        var requestLine: String { proxy?.requestLine ?? "- -- -" }
        var createdAt: UInt64 { proxy?.createdAt ?? (now &- request.durationNanoseconds) }
        var actions: String { proxy == nil ? "-" : "forward" }
    }

    private func writeALB(_ entry: Entry) {
        let buffer = pending
        func field(_ text: String) { buffer.append(utf8: text); buffer.append(UInt8(ascii: " ")) }
        func field(_ text: StaticString) { buffer.append(text); buffer.append(UInt8(ascii: " ")) }
        func number(_ value: Int) { buffer.appendDecimal(value); buffer.append(UInt8(ascii: " ")) }
        func seconds(_ value: Double?) { Self.appendSeconds(value ?? -1, to: buffer); buffer.append(UInt8(ascii: " ")) }
        func quoted(_ text: String) {
            buffer.append(UInt8(ascii: "\""))
            if text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) {
                buffer.append(utf8: Self.escapedForQuotes(text))
            } else {
                buffer.append(utf8: text)
            }
            buffer.append(UInt8(ascii: "\""))
            buffer.append(UInt8(ascii: " "))
        }
        field(entry.proxy?.scheme ?? "http")
        timestamps.append(epochNanoseconds: entry.now, to: buffer)
        buffer.append(UInt8(ascii: " "))
        field(identity.loadBalancer)
        field(entry.request.remoteAddress)
        field(entry.target)
        seconds(entry.proxy?.requestProcessingTime)
        seconds(entry.proxy?.targetProcessingTime)
        seconds(entry.proxy?.responseProcessingTime)
        number(entry.elbStatus)
        if let status = entry.proxy?.targetStatus { number(status) } else { field("-") }
        number(entry.request.bytesIn)
        number(entry.request.bytesOut)
        quoted(entry.requestLine)
        quoted(entry.proxy?.userAgent ?? "-")
        field("-")   // ssl_cipher: not an HTTPS listener
        field("-")   // ssl_protocol
        field(identity.targetGroupARN)
        quoted(entry.proxy?.traceID ?? "-")
        quoted("-")  // domain_name: no SNI
        quoted("-")  // chosen_cert_arn
        field(entry.wasParsed ? "0" : "-")   // matched_rule_priority: 0 is the default rule
        timestamps.append(epochNanoseconds: entry.createdAt, to: buffer)
        buffer.append(UInt8(ascii: " "))
        quoted(entry.actions)
        quoted("-")  // redirect_url
        quoted("-")  // error_reason: AWS documents none for target failures
        quoted(entry.target)
        quoted(entry.targetStatus)
        quoted("-")  // classification
        buffer.append(utf8: "\"-\"\n")   // classification_reason
    }

    private func writeJSON(_ entry: Entry) {
        var line = JSONLine(appendingTo: pending)
        line.add("type", entry.proxy?.scheme ?? "http")
        line.add("time", timestamps.string(epochNanoseconds: entry.now))
        line.add("elb", identity.loadBalancer)
        line.add("client", entry.request.remoteAddress)
        line.add("target", entry.target)
        line.add("request_processing_time", json: Self.seconds(entry.proxy?.requestProcessingTime ?? -1))
        line.add("target_processing_time", json: Self.seconds(entry.proxy?.targetProcessingTime ?? -1))
        line.add("response_processing_time", json: Self.seconds(entry.proxy?.responseProcessingTime ?? -1))
        line.add("elb_status_code", entry.elbStatus)
        line.add("target_status_code", entry.targetStatus)
        line.add("received_bytes", entry.request.bytesIn)
        line.add("sent_bytes", entry.request.bytesOut)
        line.add("request", entry.requestLine)
        line.add("user_agent", entry.proxy?.userAgent ?? "-")
        line.add("ssl_cipher", "-")
        line.add("ssl_protocol", "-")
        line.add("target_group_arn", identity.targetGroupARN)
        line.add("trace_id", entry.proxy?.traceID ?? "-")
        line.add("domain_name", "-")
        line.add("chosen_cert_arn", "-")
        line.add("matched_rule_priority", entry.wasParsed ? "0" : "-")
        line.add("request_creation_time", timestamps.string(epochNanoseconds: entry.createdAt))
        line.add("actions_executed", entry.actions)
        line.add("redirect_url", "-")
        line.add("error_reason", "-")
        line.add("target_port_list", entry.target)
        line.add("target_status_code_list", entry.targetStatus)
        line.add("classification", "-")
        line.add("classification_reason", "-")
        line.add("cause", entry.proxy?.cause?.rawValue ?? "-")
        line.close()
    }

    /// `seconds(_:)` written straight into the line.
    static func appendSeconds(_ value: Double, to buffer: ByteBuffer) {
        guard value >= 0 else { return buffer.append("-1") }
        buffer.appendThousandths(Int((value * 1000).rounded()))
    }

    /// Seconds with millisecond precision (`0.001`), or `-1`.
    static func seconds(_ value: Double) -> String {
        let buffer = ByteBuffer(capacity: 24)
        appendSeconds(value, to: buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// A quoted field's value with `"` and `\` escaped and control bytes dropped.
    private static func escapedForQuotes(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars where scalar.value >= 0x20 {
            if scalar == "\"" || scalar == "\\" { result.append("\\") }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
