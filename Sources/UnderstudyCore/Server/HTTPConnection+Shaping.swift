import UnderstudyNet

/// How a fault rule shapes the current response on the wire: held back until a time
/// (`when: after_effect`, `slow_head`), sent a few bytes per tick (`trickle`), or cut after
/// so many bytes (`truncate`). Byte counts are of the response as serialized.
struct OutputShaping {
    /// Monotonic ns before which nothing is sent.
    var releaseAt: UInt64 = 0
    /// `slow_head`: hold this long from the moment the handler answers (ns).
    var holdAfterAnswer: UInt64 = 0
    var trickle: (bytes: Int, every: UInt64)?
    /// Bytes the current trickle tick may still send.
    var allowance = 0
    /// Monotonic ns of the next trickle tick (0 until the first burst leaves).
    var nextTickAt: UInt64 = 0
    /// `truncate`: bytes that may still be sent before the connection is closed.
    var truncateRemaining: Int?
}

/// Shaped output: bytes wait in `outbound` and leave as the shaping allows; a timer of
/// its own (not the deadline timer) wakes the pump for a release time or the next tick.
extension HTTPConnection {
    func shapeOutput(_ change: (inout OutputShaping) -> Void) {
        var shaping = self.shaping ?? OutputShaping()
        change(&shaping)
        self.shaping = shaping
    }

    func pumpShaped() {
        guard var shaping, phase != .closed else { return }
        let now = loop.now
        if shaping.holdAfterAnswer > 0 && outboundOffset < outbound.count {
            shaping.releaseAt = max(shaping.releaseAt, now &+ shaping.holdAfterAnswer)
            shaping.holdAfterAnswer = 0
            self.shaping = shaping
        }
        if now < shaping.releaseAt {
            move(to: .delayed)
            if deadlineKind == .write { clearDeadline() }   // held on purpose, not by the client
            return wakePump(at: shaping.releaseAt)
        }
        while outboundOffset < outbound.count {
            var count = outbound.count - outboundOffset
            if let remaining = shaping.truncateRemaining {
                if remaining == 0 { return closeTruncated() }
                count = min(count, remaining)
            }
            if let trickle = shaping.trickle {
                if shaping.nextTickAt == 0 { shaping.nextTickAt = now &+ trickle.every }
                if shaping.allowance == 0 {
                    // The burst is spent: wait for the tick, whatever else wakes the pump.
                    guard now >= shaping.nextTickAt else {
                        self.shaping = shaping
                        move(to: .writing)
                        if deadlineKind == .write { clearDeadline() }
                        return wakePump(at: shaping.nextTickAt)
                    }
                    shaping.allowance = trickle.bytes
                    shaping.nextTickAt = now &+ trickle.every
                }
                count = min(count, shaping.allowance)
            }
            let start = outboundOffset
            let result = outbound.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
            switch result {
            case .bytes(let written):
                outboundOffset += written
                if deadlineKind == .write && deadline != 0 { setDeadline(.write) }   // progress renews it
                if shaping.trickle != nil { shaping.allowance -= written }
                if let remaining = shaping.truncateRemaining { shaping.truncateRemaining = remaining - written }
                self.shaping = shaping
            case .wouldBlock, .endOfStream:
                self.shaping = shaping
                move(to: .writing)
                setDeadline(.write)
                return
            case .failed:
                return close(.reset)
            }
        }
        outbound = []
        outboundOffset = 0
        if deadlineKind == .write { clearDeadline() }
        guard current?.isAnswered == true else { return }
        if shaping.truncateRemaining == 0 && currentStreaming { return closeTruncated() }
        if !currentStreaming { responseWritten() } else { move(to: .processing) }
    }

    /// Ends a truncated response: the log counts the bytes that were sent, not those cut.
    private func closeTruncated() {
        currentBytesOut -= outbound.count - outboundOffset
        close(.fault)
    }

    private func wakePump(at time: UInt64) {
        if let shapingTimer { loop.cancel(shapingTimer) }
        shapingTimer = loop.schedule(at: time) { [weak self] in
            self?.shapingTimer = nil
            self?.pumpShaped()
        }
    }

    /// The response is done (or the connection is): no more shaping.
    func endShaping() {
        if let shapingTimer { loop.cancel(shapingTimer) }
        shapingTimer = nil
        shaping = nil
        isStalled = false
    }
}
