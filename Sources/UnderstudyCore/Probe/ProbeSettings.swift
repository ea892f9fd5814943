/// Everything one `understudy probe` run needs, flags applied over the profile's defaults.
/// The check's timing, thresholds, success codes and grace live in `checks` and read as
/// its own fields (`settings.interval`).
@dynamicMemberLookup
public struct ProbeSettings: Sendable {
    /// What the run does: watch at the interval, check once, or measure keep-alive.
    public enum Mode: Sendable, Equatable {
        /// Checks at the interval until the duration ends (or forever).
        case watch
        /// One check; exit 0 when it passes.
        case once
        /// Measures how long the target keeps an idle keep-alive connection.
        case measureKeepAlive(lbIdleTimeout: Duration, maxWait: Duration)
    }

    public var url: ClientURL
    public var profile: ProbeProfile
    /// The profile's defaults, then the flags that override them.
    public var checks: ProbeDefaults
    /// How long to run; nil runs until interrupted.
    public var duration: Duration?
    /// Reuse one connection between checks instead of a new one per check.
    public var keepAlive = false
    /// A TCP-connect check (an NLB's default): passes when the handshake completes.
    public var tcpOnly = false
    public var mode = Mode.watch
    public var json = false

    /// The profile's defaults for `url`.
    public init(url: ClientURL, profile: ProbeProfile = .alb) {
        self.url = url
        self.profile = profile
        checks = profile.defaults
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<ProbeDefaults, Value>) -> Value {
        get { checks[keyPath: keyPath] }
        set { checks[keyPath: keyPath] = newValue }
    }

    /// Rejects values no checker accepts (checked once, before anything runs).
    public func validate() throws(ClientArgumentError) {
        if checks.interval <= .zero { throw .notPositive(flag: "--interval") }
        if checks.timeout <= .zero { throw .notPositive(flag: "--timeout") }
        if let duration, duration <= .zero { throw .notPositive(flag: "--duration") }
        // ELB refuses a target group whose health-check timeout is not below its interval:
        // checks would overlap, and their results arrive out of order.
        if mode == .watch && checks.timeout >= checks.interval { throw .notBelow(flag: "--timeout", other: "--interval") }
        for (flag, value) in [("--healthy-threshold", checks.healthyThreshold), ("--unhealthy-threshold", checks.unhealthyThreshold)]
        where !(1...100).contains(value) {
            throw .outOfRange(flag: flag, value: value, range: 1...100)
        }
        if tcpOnly && keepAlive { throw .conflicting("--tcp", "--keepalive") }
        if case .measureKeepAlive(let idle, let maxWait) = mode {
            if tcpOnly { throw .conflicting("--tcp", "--measure-keepalive") }
            if idle <= .zero { throw .notPositive(flag: "--lb-idle-timeout") }
            if maxWait <= .zero { throw .notPositive(flag: "--max-wait") }
        }
    }
}
