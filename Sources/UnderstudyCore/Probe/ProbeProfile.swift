/// A platform whose health checker `probe` imitates, with the defaults its documentation
/// gives; every value can be overridden by a flag.
public enum ProbeProfile: String, CaseIterable, Sendable {
    case alb, ecs, k8s

    /// The platform's documented defaults.
    public var defaults: ProbeDefaults {
        switch self {
        case .alb:
            // AWS ELB "Health checks for Application Load Balancer target groups" and the
            // CreateTargetGroup API: HealthCheckIntervalSeconds 30, HealthCheckTimeoutSeconds 5,
            // HealthyThresholdCount 5, UnhealthyThresholdCount 2, Matcher 200. "After your
            // target is registered, it must pass one health check to be considered healthy"
            // (state `initial`), and the node closes each check's connection afterwards.
            ProbeDefaults(interval: .seconds(30), timeout: .seconds(5), healthyThreshold: 5, unhealthyThreshold: 2,
                          initialHealthyThreshold: 1, matcher: StatusMatcher([200...200]), grace: .zero)
        case .ecs:
            // Amazon ECS container definition `HealthCheck`: interval 30 s, timeout 5 s,
            // retries 3, startPeriod none ("If a health check succeeds within the startPeriod,
            // then the container is considered healthy and any subsequent failures count"). One success makes it healthy (Docker's rule).
            // Success codes as `curl -f` judges them: anything below 400.
            ProbeDefaults(interval: .seconds(30), timeout: .seconds(5), healthyThreshold: 1, unhealthyThreshold: 3,
                          initialHealthyThreshold: nil, matcher: StatusMatcher([200...399]), grace: .zero)
        case .k8s:
            // Kubernetes "Configure Liveness, Readiness and Startup Probes" / core/v1 Probe:
            // periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3,
            // initialDelaySeconds 0; an HTTP probe passes on 200-399. The success threshold
            // applies from the start too (readiness starts as Failure).
            ProbeDefaults(interval: .seconds(10), timeout: .seconds(1), healthyThreshold: 1, unhealthyThreshold: 3,
                          initialHealthyThreshold: nil, matcher: StatusMatcher([200...399]), grace: .zero)
        }
    }
}

/// One profile's check timing, thresholds and success codes (a run's, once flags override them).
public struct ProbeDefaults: Equatable, Sendable {
    public var interval: Duration
    public var timeout: Duration
    /// Consecutive successes that bring an unhealthy target back.
    public var healthyThreshold: Int
    /// Consecutive failures that mark a target unhealthy.
    public var unhealthyThreshold: Int
    /// Consecutive successes that take a target out of `initial`: ALB's one pass, else (nil) `healthyThreshold`.
    public var initialHealthyThreshold: Int?
    public var matcher: StatusMatcher
    /// Start period: failures of checks begun inside it do not count.
    public var grace: Duration
}
