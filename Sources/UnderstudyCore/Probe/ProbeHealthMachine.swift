/// A target's health as a checker sees it.
public enum ProbeHealth: String, Sendable {
    case initial, healthy, unhealthy
}

/// A change of health and the run of results that caused it.
public struct ProbeTransition: Equatable, Sendable {
    public var from: ProbeHealth
    public var to: ProbeHealth
    /// How many consecutive successes (to healthy) or failures (to unhealthy) it took.
    public var consecutive: Int

    /// `healthy -> unhealthy after 2 consecutive failures`
    public var description: String {
        let noun = to == .healthy ? (consecutive == 1 ? "success" : "successes") : (consecutive == 1 ? "failure" : "failures")
        return "\(from.rawValue) -> \(to.rawValue) after \(consecutive) consecutive \(noun)"
    }
}

/// The checker's state machine, pure: check results in, transitions out as values. Starts
/// in `initial` (ALB's state for a newly registered target); counts consecutive results;
/// failures of checks begun inside the grace (start) period are not counted.
public struct ProbeHealthMachine: Sendable {
    public let healthyThreshold: Int
    public let unhealthyThreshold: Int
    public let initialHealthyThreshold: Int
    public private(set) var health = ProbeHealth.initial
    public private(set) var consecutiveSuccesses = 0
    public private(set) var consecutiveFailures = 0
    /// True once the target has been marked unhealthy (the run's exit code is then 1).
    public private(set) var wasMarkedUnhealthy = false

    public init(healthyThreshold: Int, unhealthyThreshold: Int, initialHealthyThreshold: Int) {
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
        self.initialHealthyThreshold = initialHealthyThreshold
    }

    public init(_ settings: ProbeSettings) {
        self.init(healthyThreshold: settings.healthyThreshold, unhealthyThreshold: settings.unhealthyThreshold,
                  initialHealthyThreshold: settings.initialHealthyThreshold ?? settings.healthyThreshold)
    }

    /// Records one check; returns the transition it caused, if any. A failure `inGrace`
    /// changes nothing (not even a run of successes) while the target is still `initial`:
    /// once it has been healthy, failures count, grace or not (ECS's start-period rule).
    public mutating func record(passed: Bool, inGrace: Bool = false) -> ProbeTransition? {
        let inGrace = inGrace && health == .initial
        if passed {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            let needed = health == .initial ? initialHealthyThreshold : healthyThreshold
            guard health != .healthy, consecutiveSuccesses >= needed else { return nil }
            return move(to: .healthy, after: consecutiveSuccesses)
        }
        if inGrace { return nil }
        consecutiveFailures += 1
        consecutiveSuccesses = 0
        guard health != .unhealthy, consecutiveFailures >= unhealthyThreshold else { return nil }
        wasMarkedUnhealthy = true
        return move(to: .unhealthy, after: consecutiveFailures)
    }

    private mutating func move(to next: ProbeHealth, after count: Int) -> ProbeTransition {
        let transition = ProbeTransition(from: health, to: next, consecutive: count)
        health = next
        return transition
    }
}
