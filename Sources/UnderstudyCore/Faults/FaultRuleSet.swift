import Synchronization
import UnderstudyNet

/// The fault rules in force, shared by every data-plane loop and changed by the admin API
/// (PRODUCT.md, "Fault rules"). Changes publish a new immutable `FaultIndex` and bump a
/// generation number; each loop reads the number per request (one atomic load) and takes
/// the new index only when it moved, so requests never wait on the lock.
public final class FaultRuleSet: Sendable {
    public let maxDelay: Duration
    public let clientHeaders: Bool
    private let current: Locked<FaultIndex>
    private let generationCounter = Atomic<UInt64>(0)

    /// What a change through the admin API can run into.
    public enum ChangeError: Error, Equatable {
        case nameTaken(String)
        case notFound(String)
    }

    /// - Parameter epoch: Monotonic ns the config's rules count their schedules from (server start).
    public convenience init(config: FaultsConfig, epoch: UInt64 = EventLoop.monotonicNow()) throws(FaultRuleError) {
        var rules: [ActiveFaultRule] = []
        for (index, value) in config.rules.enumerated() {
            let rule = try nested("[\(index)]") { () throws(FaultRuleError) in
                try FaultRule(parsing: value, maxDelay: config.maxDelay.duration)
            }
            rules.append(ActiveFaultRule(rule, epoch: epoch))
        }
        self.init(maxDelay: config.maxDelay.duration, clientHeaders: config.clientHeaders, rules: rules)
    }

    init(maxDelay: Duration, clientHeaders: Bool, rules: [ActiveFaultRule] = []) {
        self.maxDelay = maxDelay
        self.clientHeaders = clientHeaders
        current = Locked(FaultIndex(rules))
    }

    /// Bumped on every change.
    var generation: UInt64 { generationCounter.load(ordering: .acquiring) }

    /// The index in force and its generation.
    func snapshot() -> (index: FaultIndex, generation: UInt64) {
        current.withLock { index in (index, generationCounter.load(ordering: .relaxed)) }
    }

    /// The rules in order, with their firing counts.
    public var rules: [ActiveFaultRule] { current.withLock { $0.rules } }

    public func rule(named name: String) -> ActiveFaultRule? {
        current.withLock { $0.rules.first { $0.rule.name == name } }
    }

    /// Appends a rule; its schedule counts from now.
    public func add(_ rule: FaultRule) throws(ChangeError) {
        let outcome: ChangeError? = change { rules in
            if rules.contains(where: { $0.rule.name == rule.name }) { return .nameTaken(rule.name) }
            rules.append(ActiveFaultRule(rule, epoch: EventLoop.monotonicNow()))
            return nil
        }
        if let outcome { throw outcome }
    }

    /// Replaces the rule called `name` in place (its counts and schedule start over), or
    /// appends it; true if it was new.
    @discardableResult
    public func put(_ rule: FaultRule, as name: String) -> Bool {
        var created = false
        let _: ChangeError? = change { rules in
            let active = ActiveFaultRule(rule, epoch: EventLoop.monotonicNow())
            if let index = rules.firstIndex(where: { $0.rule.name == name }) {
                rules[index] = active
            } else {
                rules.append(active)
                created = true
            }
            return nil
        }
        return created
    }

    public func remove(named name: String) throws(ChangeError) {
        let outcome: ChangeError? = change { rules in
            guard let index = rules.firstIndex(where: { $0.rule.name == name }) else { return .notFound(name) }
            rules.remove(at: index)
            return nil
        }
        if let outcome { throw outcome }
    }

    public func removeAll() {
        let _: ChangeError? = change { rules in
            rules.removeAll()
            return nil
        }
    }

    private func change(_ body: (inout [ActiveFaultRule]) -> ChangeError?) -> ChangeError? {
        current.withLock { index in
            var rules = index.rules
            if let error = body(&rules) { return error }
            index = FaultIndex(rules)
            generationCounter.add(1, ordering: .releasing)
            return nil
        }
    }
}

/// A rule in force: the rule, the epoch its schedule counts from, and how often it fired.
public final class ActiveFaultRule: Sendable {
    public let rule: FaultRule
    /// Monotonic ns.
    let epoch: UInt64
    private let firings = Atomic<Int>(0)

    init(_ rule: FaultRule, epoch: UInt64) {
        self.rule = rule
        self.epoch = epoch
    }

    public var fired: Int { firings.load(ordering: .relaxed) }

    /// Inside its schedule at monotonic time `now`.
    func isActive(now: UInt64) -> Bool {
        guard let schedule = rule.schedule else { return true }
        // `now` may be a loop's time cached before this rule was made: never negative.
        return schedule.isActive(elapsed: .nanoseconds(Int64(clamping: now > epoch ? now - epoch : 0)))
    }

    public var isActiveNow: Bool { rule.enabled && isActive(now: EventLoop.monotonicNow()) }

    /// Counts one firing unless the limit is used up; false when it is.
    func claimFiring() -> Bool {
        guard let limit = rule.limit else {
            firings.add(1, ordering: .relaxed)
            return true
        }
        var seen = firings.load(ordering: .relaxed)
        while seen < limit {
            let (exchanged, original) = firings.compareExchange(expected: seen, desired: seen + 1, ordering: .relaxed)
            if exchanged { return true }
            seen = original
        }
        return false
    }
}
