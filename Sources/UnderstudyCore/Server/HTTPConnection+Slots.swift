import UnderstudyNet

/// Worker slots (`WorkerPool`): taking one for a request (event model), waiting for one,
/// giving it back, and the scoreboard state of the slot held.
extension HTTPConnection {
    func setSlotState(_ new: ConnectionState?) {
        guard new != slotState else { return }
        context.stats.slots.move(from: slotState, to: new)
        slotState = new
    }

    /// Prefork: the slot the acceptor took for this connection.
    func takeAdmittedSlot() {
        holdsSlot = true
        setSlotState(state ?? .keepAliveIdle)
    }

    /// Event model, at a request's first byte: takes a worker slot, or queues for one. While
    /// queued the request's bytes wait unparsed and no deadline runs (a request waiting in
    /// Apache's worker queue has no timer either). True if the request may start now.
    func mayStartRequest(_ pool: WorkerPool) -> Bool {
        if isWaitingForSlot { return false }
        if pool.tryAcquireSlot() {
            takeRequestSlot()
            return true
        }
        let connection = LoopBound(Weak(self), on: loop)
        let waiter = WorkerPool.Waiter(id: id, grant: { [pool] in
            connection.loop.execute {
                guard let waiting = connection.value.object else { pool.releaseSlot(); return }
                waiting.slotGranted(pool)
            }
        })
        if pool.acquireSlot(orWait: waiter) {
            takeRequestSlot()
            return true
        }
        isWaitingForSlot = true
        move(to: .reading)
        clearDeadline()
        return false
    }

    private func takeRequestSlot() {
        holdsSlot = true
        setSlotState(.reading)
    }

    private func slotGranted(_ pool: WorkerPool) {
        guard isWaitingForSlot, phase != .closed else { pool.releaseSlot(); return }
        isWaitingForSlot = false
        takeRequestSlot()
        processInbound()
    }

    /// Gives the slot back (event: the response is written). True when requests still wait
    /// for a worker.
    @discardableResult
    func releaseSlot() -> Bool {
        guard holdsSlot else { return false }
        setSlotState(nil)
        holdsSlot = false
        return (context.requestSlots ?? context.connectionSlots)?.releaseSlot() ?? false
    }

    /// On close: the slot, a place in the queue, the count toward the accept limit.
    func leaveWorkerPool() {
        releaseSlot()
        if isWaitingForSlot {
            isWaitingForSlot = false
            context.requestSlots?.cancelWait(id: id)
        }
        if countsTowardAcceptLimit {
            countsTowardAcceptLimit = false
            context.requestSlots?.connectionLeft()
        }
    }

    /// Closes a connection idle between requests, holding no worker, with nothing unread:
    /// what Apache's event MPM closes when all its workers are busy.
    func closeIfKeepAliveIdle() {
        guard phase == .awaitingRequest, requestCount > 0, !holdsSlot, !isWaitingForSlot, !isParsing,
              inbound.isEmpty, current == nil, !hasPendingOutput else { return }
        close(.workersBusy)
    }
}
