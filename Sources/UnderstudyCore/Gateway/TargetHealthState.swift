/// A registered target's state, named as ALB's `TargetHealth.State`.
public enum TargetHealthState: String, Sendable, Codable {
    /// Registered, not yet through its first health check ("Elb.InitialHealthChecking").
    case initial
    case healthy
    case unhealthy
    /// Deregistered: no new requests; in-flight ones may finish within the delay.
    case draining
}

/// One target as `GET /api/targets` shows it, after ALB's `DescribeTargetHealth`.
public struct TargetStatus: Encodable, Sendable, Equatable {
    public var target: String
    public var state: TargetHealthState
    /// ALB's reason code (`Elb.InitialHealthChecking`, `Target.ResponseCodeMismatch`, …); nil when healthy.
    public var reason: String?
    public var description: String?
    /// Requests sent to it and not finished.
    public var inFlight: Int
    /// Requests sent to it since it was registered.
    public var requests: Int
    /// The last health check's outcome: `200`, `timeout`, `connection refused`, …
    public var lastCheck: String?

    enum CodingKeys: String, CodingKey {
        case target, state, reason, description, inFlight = "in_flight", requests, lastCheck = "last_check"
    }
}
