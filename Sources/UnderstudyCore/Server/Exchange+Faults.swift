import UnderstudyHTTP
import UnderstudyNet

/// What fault rules do to one exchange, in terms of its connection: hold or shape the
/// answer, replace it, or act on the connection itself.
extension Exchange {
    /// Holds the response, whatever the handler answers, until monotonic time `time`.
    func holdOutput(until time: UInt64) {
        connection?.shapeOutput { $0.releaseAt = max($0.releaseAt, time) }
    }

    /// Shapes the response on the wire (`trickle`, `truncate`, `slow_head`).
    func shapeOutput(_ fault: ConnectionFault) {
        connection?.shapeOutput { shaping in
            switch fault {
            case .trickle(let bytes, let every):
                shaping.trickle = (bytes, UInt64(every.nanosecondsClamped))
                shaping.allowance = bytes
            case .truncate(let bytes):
                shaping.truncateRemaining = bytes
            case .slowHead(let delay):
                shaping.holdAfterAnswer = max(1, UInt64(delay.nanosecondsClamped))
            case .reset, .close, .stall:
                break
            }
        }
    }

    /// Resets, closes or stalls the connection instead of answering; `maxDelay` bounds a stall.
    func breakConnection(_ fault: ConnectionFault, maxDelay: Duration) {
        guard let connection, connection.current === self else { return }
        isAnswered = true
        switch fault {
        case .reset:
            connection.abortNow(.fault)
        case .close:
            connection.close(.fault)
        case .stall:
            // A client that finished sending before the stall began has given up already.
            if connection.peerFinished { return connection.close(.clientClose) }
            connection.isStalled = true
            connection.markDelayed()
            after(maxDelay) { $0.connection?.close(.fault) }
        case .trickle, .truncate, .slowHead:
            break
        }
    }

    /// The handler runs, but its answer is not sent: `replacement` runs instead when the
    /// handler answers (the fault's `after_effect` respond or connection action).
    func interceptAnswer(_ replacement: @escaping (Exchange) -> Void) {
        interception = replacement
    }

    /// Sends `response` even though the exchange counts as answered (an intercepted answer).
    func deliver(_ response: HTTPResponse) {
        isAnswered = true
        pendingTimer = nil
        connection?.send(response, for: self)
    }

    /// Reports a firing to the loop's observer (log line, metric).
    func reportFault(rule: String, action: String, delay: Duration) {
        fault = rule
        connection?.context.observer?.faultFired(FaultFiring(
            rule: rule, action: action, delayNanoseconds: UInt64(delay.nanosecondsClamped), requestID: requestID,
            connectionID: connectionID, method: request.method, path: String(request.path)))
    }
}
