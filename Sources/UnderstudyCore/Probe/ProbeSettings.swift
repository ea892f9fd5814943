/// Everything one `understudy probe` run needs, flags applied over the profile's defaults.
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
    public var interval: Duration
    public var timeout: Duration
    public var healthyThreshold: Int
    public var unhealthyThreshold: Int
    /// Successes that take a target out of `initial`: ALB's one pass, else (nil) `healthyThreshold`.
    public var initialHealthyThreshold: Int?
    public var matcher: StatusMatcher
    public var grace: Duration
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
        let defaults = profile.defaults
        self.url = url
        self.profile = profile
        interval = defaults.interval
        timeout = defaults.timeout
        healthyThreshold = defaults.healthyThreshold
        unhealthyThreshold = defaults.unhealthyThreshold
        initialHealthyThreshold = defaults.initialHealthyThreshold
        matcher = defaults.matcher
        grace = defaults.grace
    }

    /// Rejects values no checker accepts (checked once, before anything runs).
    public func validate() throws(ClientArgumentError) {
        if interval <= .zero { throw .notPositive(flag: "--interval") }
        if timeout <= .zero { throw .notPositive(flag: "--timeout") }
        if let duration, duration <= .zero { throw .notPositive(flag: "--duration") }
        // ELB refuses a target group whose health-check timeout is not below its interval:
        // checks would overlap, and their results arrive out of order.
        if mode == .watch && timeout >= interval { throw .notBelow(flag: "--timeout", other: "--interval") }
        for (flag, value) in [("--healthy-threshold", healthyThreshold), ("--unhealthy-threshold", unhealthyThreshold)]
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
