import UnderstudyHTTP
import UnderstudyNet

/// One client request on its way through the gateway: sends it on a target connection,
/// streams the target's answer to the client (pausing the target while the client is
/// slow), and otherwise answers as ALB does — 502 when the target closes or resets first,
/// 504 when it is silent for the idle timeout or cannot be reached within the connect
/// timeout — or logs 460 when the client leaves first. Never retried: a request that met
/// a stale keep-alive connection shows its 502. Lives on the client connection's loop
/// until the request ends; the target connection holds it meanwhile.
final class ProxiedRequest: TargetConnectionDelegate {
    /// Unsent response bytes on the client side beyond which the target is not read.
    static let backpressureMark = 256 * 1024

    private let exchange: Exchange
    private let pick: TargetGroup.Pick
    private let gateway: GatewayLoop
    private var connection: TargetConnection?
    private var sentAt: UInt64 = 0
    private var headAt: UInt64 = 0
    private var hasStartedAnswer = false
    private var isDone = false

    init(exchange: Exchange, pick: TargetGroup.Pick, gateway: GatewayLoop) {
        self.exchange = exchange
        self.pick = pick
        self.gateway = gateway
    }

    func start(_ bytes: [UInt8]) {
        // A client that leaves (FIN or reset) before the answer ends it: ALB's 460. Set
        // first: a client whose FIN was already read is closed (and this ended) at once.
        exchange.onCancel = { [self] in clientLeft() }
        exchange.closesOnClientFinish()
        guard !isDone, exchange.isConnected else { return }
        let connection = gateway.pool.connection(for: pick)
        self.connection = connection
        // A body still arriving streams through as it comes, in its client's framing.
        let streaming = exchange.isReceivingBody
        if streaming {
            exchange.onBodyPart = { [weak connection] piece in connection?.sendBody(piece) }
            exchange.onBodyEnd = { [weak connection] in connection?.finishBody() }
        }
        connection.send(bytes, method: exchange.request.method, delegate: self, bodyFollows: streaming,
                        chunked: streaming && ForwardedRequest.Framing(exchange.request.head, collectedBody: []) == .chunked)
    }

    private var now: UInt64 { EventLoop.monotonicNow() }

    private static func seconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e9 }

    // MARK: TargetConnectionDelegate

    func targetReceivedRequest() {
        sentAt = now
    }

    /// The target takes the body slower than the client sends it: the client waits.
    func targetBackedUp(_ isBackedUp: Bool) {
        if isBackedUp { exchange.pauseBody() } else { exchange.resumeBody() }
    }

    func targetSentHead(_ head: ResponseHead) {
        headAt = now
        if sentAt == 0 { sentAt = headAt }   // answered before the request was all written
        var headers = HTTPHeaders()
        for field in head.headers where !Self.isHopByHop(field.name) { headers.add(field.name, field.value) }
        // A body framed by chunks or the close goes to the client chunked; a length passes through.
        if head.headers.contains("Transfer-Encoding", token: "chunked") || head.headers["Content-Length"] == nil {
            headers.remove("Content-Length")
        }
        updateRecord { record in
            record.requestProcessingTime = Self.seconds(sentAt &- exchange.startedAt)
            record.targetProcessingTime = Self.seconds(headAt &- sentAt)
            record.responseProcessingTime = Self.seconds(now &- headAt)
            record.targetStatus = head.status
        }
        hasStartedAnswer = true
        exchange.isProxied = true
        exchange.startStream(status: head.status, headers: headers)
    }

    func targetSentBody(_ piece: UnsafeRawBufferPointer) {
        exchange.write(Array(piece))
        if exchange.pendingOutputBytes > Self.backpressureMark, let connection {
            connection.pauseReading()
            exchange.onOutputDrained = { [weak connection] in connection?.resumeReading() }
        }
    }

    func targetFinished() {
        guard finish() else { return }
        exchange.onOutputDrained = nil
        exchange.finish()
    }

    func targetFailed(_ failure: TargetFailure) {
        guard finish() else { return }
        let cause = failure.cause
        updateRecord { record in
            record.cause = cause
            if hasStartedAnswer {
                record.elbStatus = record.targetStatus   // the head went out; the client sees a cut-short answer
            } else {
                // ALB writes -1 for all three when the target closed or never answered.
                record.requestProcessingTime = -1
                record.targetProcessingTime = -1
                record.responseProcessingTime = -1
            }
        }
        if hasStartedAnswer {
            exchange.abort()
        } else {
            exchange.respond(GatewayErrorPage.response(for: cause))
        }
    }

    // MARK: Ending

    /// The client closed its connection before the answer ended: logged as 460, and the
    /// target connection (mid-exchange) is closed, never reused.
    private func clientLeft() {
        let midBody = exchange.isReceivingBody
        guard finish() else { return }
        connection?.close()
        if !hasStartedAnswer {
            updateRecord { record in
                // ALB: 400 when "the client closed the connection before sending the full
                // request body", else 460.
                record.cause = midBody ? .clientClosedMidBody : .clientClosed
                record.elbStatus = record.cause?.status
            }
        }
    }

    /// Marks the request done once; false if it already was.
    private func finish() -> Bool {
        guard !isDone else { return false }
        isDone = true
        exchange.onCancel = nil
        gateway.group.release(pick.id)
        return true
    }

    private func updateRecord(_ change: (inout ProxyRecord) -> Void) {
        guard var record = exchange.proxyRecord else { return }
        change(&record)
        exchange.proxyRecord = record
    }

    /// Response fields that describe the target connection, not the answer (RFC 9110 §7.6.1).
    private static func isHopByHop(_ name: String) -> Bool {
        name.equalsIgnoringASCIICase("Connection") || name.equalsIgnoringASCIICase("Keep-Alive")
            || name.equalsIgnoringASCIICase("Transfer-Encoding") || name.equalsIgnoringASCIICase("Proxy-Connection")
            || name.equalsIgnoringASCIICase("Trailer") || name.equalsIgnoringASCIICase("Upgrade")
    }
}
