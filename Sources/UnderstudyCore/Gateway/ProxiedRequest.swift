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
    /// A response with a length up to this is held until its body is read, or the target's
    /// socket runs dry, so head and body go to the client in one write.
    static let coalesceLimit = 64 * 1024

    private let exchange: Exchange
    private let pick: TargetGroup.Pick
    private let gateway: GatewayLoop
    private var connection: TargetConnection?
    private var sentAt: UInt64 = 0
    private var headAt: UInt64 = 0
    private var hasStartedAnswer = false
    private var isDone = false
    /// The target's head and the body read so far, not yet sent (see `coalesceLimit`).
    private var heldHead: (status: Int, headers: HTTPHeaders)?
    private var heldBody: [UInt8] = []

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
                        chunked: streaming && exchange.streamedBodyFraming == .chunked)
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
        // The target's end-to-end fields pass through as they came (the parser left out the
        // hop-by-hop ones); a body framed by chunks or the close goes to the client chunked,
        // a length passes through.
        exchange.forwardedFields = head.forwardedFields
        var headers = HTTPHeaders()
        if head.headers["Transfer-Encoding"] == nil, let length = head.headers["Content-Length"] {
            headers.add("Content-Length", length)
        }
        updateRecord { record in
            record.requestProcessingTime = Self.seconds(sentAt &- exchange.startedAt)
            record.targetProcessingTime = Self.seconds(headAt &- sentAt)
            record.responseProcessingTime = Self.seconds(now &- headAt)
            record.targetStatus = head.status
        }
        exchange.isProxied = true
        if exchange.request.method != "HEAD", !HTTPStatus.forbidsBody(head.status),
           let length = head.headers["Content-Length"].flatMap({ Int($0) }), length <= Self.coalesceLimit {
            heldHead = (head.status, headers)
            heldBody.reserveCapacity(length)
            return
        }
        hasStartedAnswer = true
        exchange.startStream(status: head.status, headers: headers)
    }

    func targetSentBody(_ piece: UnsafeRawBufferPointer) {
        if heldHead != nil { return heldBody.append(contentsOf: piece) }
        exchange.write(Array(piece))
        if exchange.pendingOutputBytes > Self.backpressureMark, let connection {
            connection.pauseReading()
            exchange.onOutputDrained = { [weak connection] in connection?.resumeReading() }
        }
    }

    /// The target paused mid-answer: what is held goes out now (streaming resumes).
    func targetReadDrained() {
        guard let held = heldHead, !isDone else { return }
        heldHead = nil
        hasStartedAnswer = true
        exchange.startStream(status: held.status, headers: held.headers)
        if !heldBody.isEmpty { exchange.write(heldBody) }
        heldBody = []
    }

    func targetFinished() {
        guard finish() else { return }
        exchange.onOutputDrained = nil
        if let held = heldHead {
            heldHead = nil
            hasStartedAnswer = true
            return exchange.respond(HTTPResponse(status: held.status, headers: held.headers, body: heldBody))
        }
        exchange.finish()
    }

    func targetFailed(_ failure: TargetFailure) {
        // A head held back is sent first, so the client sees what it would have without the
        // hold: the target's head and the body so far, then the reset.
        targetReadDrained()
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
            exchange.isProxied = false
            exchange.respond(GatewayErrorPage.response(for: cause))
        }
    }

    // MARK: Ending

    /// The client closed its connection before the answer ended: logged as 460, and the
    /// target connection (mid-exchange) is closed, never reused.
    private func clientLeft() {
        let midBody = exchange.isReceivingBody
        let rejection = exchange.bodyRejection
        guard finish() else { return }
        connection?.close()
        guard !hasStartedAnswer else { return }
        updateRecord { record in
            if let rejection {
                // The body was abandoned and the client is answered: 408 (silent) or 400.
                record.elbStatus = rejection.status
            } else {
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

    /// Changes the exchange's record in place (no copy of its strings per change).
    private func updateRecord(_ change: (inout ProxyRecord) -> Void) {
        guard exchange.proxyRecord != nil else { return }
        change(&exchange.proxyRecord!)
    }
}
