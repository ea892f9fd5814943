import UnderstudyNet

/// One loop's connections to the targets: idle keep-alive connections per target, reused
/// most recently used first (as nginx's upstream keepalive cache does), closed once unused
/// for the target idle timeout, and all of a target's dropped when it leaves the group.
/// Owned by its loop; only that loop's thread touches it.
final class TargetPool {
    let loop: EventLoop
    /// Nanoseconds: no data moving on an exchange for this long fails it (504).
    let idleTimeout: UInt64
    let connectTimeout: UInt64
    /// Nanoseconds an idle connection may wait in the pool.
    let targetIdleTimeout: UInt64
    /// Idle connections kept per target on this loop; more are closed.
    static let maxIdlePerTarget = 512

    private var idle: [UInt64: [TargetConnection]] = [:]
    private var open: [ObjectIdentifier: TargetConnection] = [:]
    /// Targets whose connections are not reused (draining or gone).
    private var retired: Set<UInt64> = []
    private var sweepTimer: TimerHandle?
    /// Connections to read at the end of this loop iteration (see `readLater`).
    private var pendingReads: [TargetConnection] = []
    /// Target connections read here, not into the loop's buffer, which the client side may
    /// be parsing from further up the stack.
    let readBuffer: UnsafeMutableRawBufferPointer

    /// Set when targets speak HTTPS (`gateway.target_protocol`): the client context, unverified.
    let targetTLS: TLSContext?

    init(loop: EventLoop, idleTimeout: Duration, connectTimeout: Duration, targetIdleTimeout: Duration, targetTLS: TLSContext? = nil) {
        self.targetTLS = targetTLS
        self.loop = loop
        self.idleTimeout = idleTimeout.nanoseconds
        self.connectTimeout = connectTimeout.nanoseconds
        self.targetIdleTimeout = targetIdleTimeout.nanoseconds
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        loop.onIterationEnd { [weak self] in self?.readPending() }
    }

    deinit { readBuffer.deallocate() }

    /// Reads `connection` once the current event's handlers have returned: a read inside
    /// another connection's handler could reenter it (a pipelined request dispatched from
    /// inside a response) or clobber bytes it is parsing.
    func readLater(_ connection: TargetConnection) {
        guard !connection.isReadQueued else { return }
        connection.isReadQueued = true
        pendingReads.append(connection)
    }

    private func readPending() {
        while !pendingReads.isEmpty {
            let batch = pendingReads
            pendingReads = []
            for connection in batch {
                connection.isReadQueued = false
                connection.readResponse()
            }
        }
    }

    /// A connection to `pick`'s target: the most recently used idle one that has not
    /// outlived the target idle timeout, else a new one (connected by its first `send`).
    func connection(for pick: TargetGroup.Pick) -> TargetConnection {
        let now = loop.now
        while let candidate = idle[pick.id]?.popLast() {
            if now &- candidate.idleSince < targetIdleTimeout { return candidate }
            candidate.close()
        }
        let connection = TargetConnection(targetID: pick.id, address: pick.address, pool: self)
        open[ObjectIdentifier(connection)] = connection
        return connection
    }

    func mayKeep(_ connection: TargetConnection) -> Bool {
        !retired.contains(connection.targetID) && (idle[connection.targetID]?.count ?? 0) < Self.maxIdlePerTarget
    }

    func checkIn(_ connection: TargetConnection) {
        idle[connection.targetID, default: []].append(connection)
        scheduleSweep()
    }

    func forget(_ connection: TargetConnection) {
        open[ObjectIdentifier(connection)] = nil
        if var stack = idle[connection.targetID], let index = stack.firstIndex(where: { $0 === connection }) {
            stack.remove(at: index)
            idle[connection.targetID] = stack.isEmpty ? nil : stack
        }
    }

    /// A target started draining: its idle connections close now, busy ones after their request.
    func retire(_ targetID: UInt64) {
        retired.insert(targetID)
        for connection in idle.removeValue(forKey: targetID) ?? [] { connection.close() }
    }

    /// A target's deregistration delay ran out: requests still in flight fail (502).
    func remove(_ targetID: UInt64) {
        retire(targetID)
        for connection in open.values where connection.targetID == targetID { connection.fail(.deregistered) }
    }

    func closeAll() {
        for connection in Array(open.values) { connection.close() }
        if let sweepTimer { loop.cancel(sweepTimer) }
        sweepTimer = nil
    }

    /// Closes idle connections past the target idle timeout, while any are pooled.
    private func scheduleSweep() {
        guard sweepTimer == nil else { return }
        let period = min(max(targetIdleTimeout / 4, 10_000_000), 5_000_000_000)
        sweepTimer = loop.schedule(after: .nanoseconds(Int64(period))) { [weak self] in
            guard let self else { return }
            sweepTimer = nil
            let now = loop.now
            for stack in idle.values {
                for connection in stack where now &- connection.idleSince >= targetIdleTimeout { connection.close() }
            }
            if !idle.isEmpty { scheduleSweep() }
        }
    }
}
