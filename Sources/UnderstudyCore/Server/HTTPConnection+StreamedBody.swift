import UnderstudyHTTP
import UnderstudyNet

/// Request bodies handed on as they arrive (planes with `streamsRequestBodies`): the handler
/// got the exchange at the head; each piece goes to `onBodyPart`, then `onBodyEnd`. While
/// the handler pauses, bytes wait in `inbound` (and reading stops at its limit).
extension HTTPConnection {
    /// Feeds body bytes to the current exchange while it takes them; returns how many were
    /// consumed. Bytes after the body's end (a pipelined request) are left.
    func feedBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while let exchange = current, exchange.isReceivingBody, !exchange.isBodyPaused, phase != .closed {
            let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            offset += consumed
            switch event {
            case .body(let piece):
                exchange.onBodyPart?(piece)
            case .complete:
                exchange.isReceivingBody = false
                if deadlineKind == .body { clearDeadline() }
                let end = exchange.onBodyEnd
                exchange.onBodyPart = nil
                exchange.onBodyEnd = nil
                end?()
            case .needMore:
                if consumed == 0 || offset == bytes.count { return offset }
            case .head:
                continue
            case .rejected(let rejection):
                abandonStreamedBody(exchange, rejection)
                return offset
            }
        }
        return offset
    }

    /// Feeds what `inbound` holds to the streaming exchange; closes a connection whose
    /// client finished sending before the body's end.
    func feedInboundBody() {
        guard !isParsing, phase != .closed, phase != .lingering else { return }
        // Even with nothing buffered: a body whose last piece paused it still has its end to report.
        if !inbound.isEmpty || current?.isBodyPaused == false {
            isParsing = true
            let consumed = { [inbound] in inbound.withUnsafeBytes { feedBody($0) } }()
            isParsing = false
            if phase == .closed || trimInbound(consumed) { return }
        }
        if let exchange = current, exchange.isReceivingBody {
            // The body ended early: the client is gone (its handler hears it as a cancel).
            if peerFinished && inbound.isEmpty { close(.clientClose) }
            return
        }
        processInbound()   // the body is complete: a pipelined request may wait
    }

    func suspendBodyDeadline() {
        if deadlineKind == .body { clearDeadline() }
    }

    func resumeBodyDeadline() {
        if current?.isReceivingBody == true { setDeadline(.body) }
    }

    /// A streamed body that cannot complete (malformed chunks, the client silent past the
    /// body deadline): the handler is told (cancel), and the client gets the rejection if
    /// no answer has begun, else a reset.
    func abandonStreamedBody(_ exchange: Exchange, _ rejection: RequestRejection) {
        exchange.bodyRejection = rejection
        exchange.onBodyPart = nil
        exchange.onBodyEnd = nil
        let cancel = exchange.onCancel
        exchange.onCancel = nil
        cancel?()
        exchange.isReceivingBody = false
        guard exchange === current, phase != .closed else { return }
        if exchange.isAnswered { return abortNow(.error) }
        currentKeepAlive = false
        closeWhenFlushed = true
        inbound = []
        exchange.respond(.plainText(rejection.status, rejection.reason))
    }
}
