/// How a target connection failed an exchange, as the proxy maps it to ALB's causes.
enum TargetFailure: Error, Equatable {
    /// Refused or reset while connecting.
    case connectFailed(errno: Int32)
    case connectTimeout
    /// Closed (FIN) or reset before the response was complete.
    case closed
    case reset(errno: Int32)
    case malformed(String)
    /// No data moved for the idle timeout.
    case idleTimeout
    /// The target was deregistered and its delay ran out with the request in flight.
    case deregistered

    var cause: ProxyCause {
        switch self {
        case .connectFailed: .connectFailed
        case .connectTimeout: .connectTimeout
        case .closed, .reset: .targetClosed
        case .malformed: .malformedResponse
        case .idleTimeout: .idleTimeout
        case .deregistered: .deregistered
        }
    }
}
