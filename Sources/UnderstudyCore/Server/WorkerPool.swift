import DequeModule
import UnderstudyNet

/// The data plane's worker slots, shared by every loop (Apache's scoreboard with
/// `MaxRequestWorkers` slots). In `prefork` a connection holds a slot from accept to close,
/// keep-alive idle time included, and nothing is accepted while every slot is held. In
/// `event` a request holds one from its first byte until its response is written; requests
/// that find none wait in arrival order, and connections are accepted only while open
/// (not lingering) connections number fewer than `workers + async_factor × idle workers`.
/// One lock; a plane with `workers: 0` has no pool.
final class WorkerPool: AcceptAdmission {
    let model: ServerModel
    let slots: Int
    let asyncFactor: Double
    /// Called (from any thread, at most once until `sweepFinished`) when a request or a new
    /// connection found no idle worker: the plane then closes idle keep-alive connections,
    /// as Apache's event MPM does when its workers are all busy.
    private let onWorkersBusy: @Sendable (WorkerPool) -> Void

    /// A request waiting for a slot; `grant` hands it one (it must release it if it can no longer use it).
    struct Waiter {
        let id: UInt64
        let grant: @Sendable () -> Void
    }

    private struct State {
        var busy = 0
        /// Event model: open connections, lingering ones excluded (they hold no worker).
        var connections = 0
        var waiting = Deque<Waiter>()
        var acceptorWakes: [@Sendable () -> Void] = []
        var isSweepPending = false
    }
    private let state = Locked(State())

    init(model: ServerModel, slots: Int, asyncFactor: Double, onWorkersBusy: @escaping @Sendable (WorkerPool) -> Void) {
        self.model = model
        self.slots = slots
        self.asyncFactor = asyncFactor
        self.onWorkersBusy = onWorkersBusy
    }

    // MARK: Accepting

    func admitConnection(orWake wake: @escaping @Sendable () -> Void) -> Bool {
        let (admitted, sweep) = state.withLock { state -> (Bool, Bool) in
            if mayAccept(state) {
                switch model {
                case .prefork: state.busy += 1
                case .event: state.connections += 1
                }
                return (true, false)
            }
            state.acceptorWakes.append(wake)
            return (false, model == .event && state.busy >= slots && Self.claimSweep(&state))
        }
        if sweep { onWorkersBusy(self) }
        return admitted
    }

    /// Prefork: a slot is idle. Event (Apache 2.4 event.c, `connections_above_limit()`): a
    /// worker is idle and open connections number fewer than `workers + factor × idle workers`.
    private func mayAccept(_ state: State) -> Bool {
        let idle = slots - state.busy
        switch model {
        case .prefork: return idle > 0
        case .event: return idle > 0 && Double(state.connections) < Double(slots) + asyncFactor * Double(idle)
        }
    }

    func returnUnusedAdmission() {
        switch model {
        case .prefork: releaseSlot()
        case .event: connectionLeft()
        }
    }

    // MARK: Event model

    /// Takes a slot if one is idle and nobody waits for one.
    func tryAcquireSlot() -> Bool {
        state.withLock { state in
            guard state.busy < slots, state.waiting.isEmpty else { return false }
            state.busy += 1
            return true
        }
    }

    /// Takes a slot, or queues `waiter` for the next one (and asks for idle keep-alive
    /// connections to be closed); true if taken now.
    func acquireSlot(orWait waiter: Waiter) -> Bool {
        let (acquired, sweep) = state.withLock { state -> (Bool, Bool) in
            if state.busy < slots && state.waiting.isEmpty {
                state.busy += 1
                return (true, false)
            }
            state.waiting.append(waiter)
            return (false, Self.claimSweep(&state))
        }
        if sweep { onWorkersBusy(self) }
        return acquired
    }

    /// Forgets a waiter whose connection closed; false if its grant is already under way.
    @discardableResult
    func cancelWait(id: UInt64) -> Bool {
        state.withLock { state in
            guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return false }
            state.waiting.remove(at: index)
            return true
        }
    }

    /// An event-model connection closed or began lingering: it no longer counts against accepting.
    func connectionLeft() {
        let wakes = state.withLock { state in
            state.connections -= 1
            return Self.takeWakes(&state)
        }
        wakes.forEach { $0() }
    }

    // MARK: Both models

    /// Frees a slot: the longest-waiting request gets it, else it becomes idle. Returns true
    /// when requests still wait, i.e. every worker stays busy.
    @discardableResult
    func releaseSlot() -> Bool {
        let (grant, wakes, stillBusy) = state.withLock { state -> ((@Sendable () -> Void)?, [@Sendable () -> Void], Bool) in
            if let next = state.waiting.popFirst() { return (next.grant, [], true) }
            state.busy -= 1
            return (nil, Self.takeWakes(&state), false)
        }
        grant?()
        wakes.forEach { $0() }
        return stillBusy
    }

    /// The plane has run the sweep `onWorkersBusy` asked for.
    func sweepFinished() {
        state.withLock { $0.isSweepPending = false }
    }

    /// The counts `/api/state` and `/metrics` show.
    var snapshot: (busy: Int, waiting: Int, acceptingPaused: Bool) {
        state.withLock { ($0.busy, $0.waiting.count, !mayAccept($0)) }
    }

    private static func takeWakes(_ state: inout State) -> [@Sendable () -> Void] {
        guard !state.acceptorWakes.isEmpty else { return [] }
        defer { state.acceptorWakes.removeAll() }
        return state.acceptorWakes
    }

    private static func claimSweep(_ state: inout State) -> Bool {
        guard !state.isSweepPending else { return false }
        state.isSweepPending = true
        return true
    }
}
