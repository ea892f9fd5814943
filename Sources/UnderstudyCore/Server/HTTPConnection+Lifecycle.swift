import UnderstudyHTTP
import UnderstudyNet

/// Deadlines and closing. One timer per connection at most: moving a deadline later only
/// updates a field, and the timer re-arms itself when it fires early.
extension HTTPConnection {
    func setDeadline(_ kind: DeadlineKind) {
        let at = loop.now &+ context.deadlines.nanoseconds(for: kind)
        deadline = at
        deadlineKind = kind
        if let armed = armedTimer {
            if armed.at <= at { return }
            loop.cancel(armed.handle)
        }
        arm(at: at)
    }

    func clearDeadline() {
        deadline = 0
    }

    private func arm(at: UInt64) {
        let handle = loop.schedule(at: at) { [weak self] in self?.timerFired() }
        armedTimer = (handle, at)
    }

    private func timerFired() {
        armedTimer = nil
        guard deadline != 0, phase != .closed else { return }
        if loop.now < deadline { return arm(at: deadline) }
        deadline = 0
        switch deadlineKind {
        case .handshake:
            close(.handshakeTimeout)
        case .firstByte, .keepAlive:
            // PRODUCT.md: the keep-alive timer's expiry closes quietly (FIN, no response).
            // A prefork worker then lingers (Apache's ap_lingering_close: up to 2 s for the
            // client's FIN) and keeps its slot meanwhile, as Apache's does.
            if holdsPreforkSlot { closeGracefully(.keepAliveTimeout) } else { close(.keepAliveTimeout) }
        case .header:
            reject(.headerTimeout(limit: ConfigDuration(context.settings.headerTimeout).description))
        case .body:
            let rejection = RequestRejection.bodyTimeout(limit: ConfigDuration(context.settings.bodyTimeout).description)
            if let exchange = current, exchange.isReceivingBody { return abandonStreamedBody(exchange, rejection) }
            reject(rejection)
        case .write:
            abortNow(.writeTimeout)
        case .linger:
            close(.clientClose)
        }
    }

    /// Prefork with a worker limit: closes linger in the worker, as Apache prefork's do.
    var holdsPreforkSlot: Bool { holdsSlot && context.connectionSlots != nil }

    /// Sends FIN, then reads and discards until the client closes or `lingerTimeout`
    /// passes, so request bytes we never read do not turn into a reset that eats the answer.
    func closeGracefully(_ reason: CloseReason) {
        guard phase != .closed else { return }
        if peerFinished { return close(reason) }
        stream.shutdownWrite()
        phase = .lingering
        move(to: nil)
        if countsTowardAcceptLimit {
            countsTowardAcceptLimit = false
            context.requestSlots?.connectionLeft()   // Apache's event MPM does not count lingering closes
        }
        inbound = []
        closeReason = reason
        setDeadline(.linger)
        readAvailable()
    }

    /// Closes a connection that waits between requests (drain, shutdown).
    func closeIfIdle() {
        if phase == .awaitingRequest && !isWaitingForSlot { close(.draining) }
    }

    /// Closes at once with a reset (write timeout, forced shutdown).
    func abortNow(_ reason: CloseReason = .serverClose) {
        guard phase != .closed else { return }
        finishClosing(reason)
        stream.abort()
    }

    func close(_ reason: CloseReason) {
        guard phase != .closed else { return }
        finishClosing(phase == .lingering ? closeReason ?? reason : reason)
        stream.close()
    }

    private func finishClosing(_ reason: CloseReason) {
        phase = .closed
        if let armed = armedTimer { loop.cancel(armed.handle) }
        armedTimer = nil
        endShaping()
        if let exchange = current {
            current = nil
            exchange.cancel()
            // go-httpbin's convention: 499 when the client went away. A fault that closed on
            // purpose logs what it cut short, or nginx's 444 (closed without a response).
            let status = reason != .fault ? 499 : currentStatus != 0 ? currentStatus : 444
            report(exchange, status: status)
        }
        move(to: nil)
        leaveWorkerPool()
        inbound = []
        outbound = []
        if stream.fileDescriptor >= 0 { loop.deregister(fileDescriptor: stream.fileDescriptor) }
        context.stats.connectionClosed()
        context.forget(self)
        context.observer?.connectionClosed(self, reason: reason)
    }
}
