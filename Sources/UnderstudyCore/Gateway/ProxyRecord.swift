/// What the gateway did with one request, in the terms of ALB's access log: the target,
/// the three timings (-1 where AWS writes -1), the target's status, the trace id, and the
/// gateway's own reason when it answered itself. Built on the client connection's loop and
/// attached to the exchange, so the access log and metrics read it when the request ends.
public struct ProxyRecord: Sendable {
    /// `host:port` of the target the request went to; nil (`-`) when none was chosen.
    public var target: String?
    /// Seconds from the request's arrival to its dispatch to the target; -1 when not sent.
    public var requestProcessingTime = -1.0
    /// Seconds from the dispatch to the target's response head; -1 without one.
    public var targetProcessingTime = -1.0
    /// Seconds from the target's head to the first byte sent to the client; -1 without one.
    public var responseProcessingTime = -1.0
    public var targetStatus: Int?
    /// The `X-Amzn-Trace-Id` value sent to the target.
    public var traceID: String
    /// ALB's `request` field, `GET http://host:port/path?query HTTP/1.1`, from its parts
    /// (joined only when the log line is written).
    public var method: String
    /// The client's `Host` value (its port, if any, is replaced by the listener's).
    public var host: String
    public var listenerPort: UInt16
    public var requestTarget: String
    public var version: String
    /// `http` or `https`: the listener's protocol (ALB's `type` field, and the request's URL).
    public var scheme = "http"

    public var requestLine: String {
        "\(method) \(scheme)://\(ForwardedRequest.host(of: host)):\(listenerPort)\(requestTarget) \(version)"
    }
    public var userAgent: String?
    /// Wall-clock time (epoch ns) when the request arrived: ALB's `request_creation_time`.
    public var createdAt: UInt64
    /// Why the gateway answered instead of the target (or logged 460), if it did.
    public var cause: ProxyCause?
    /// The status ALB would log when it differs from what the connection reports: 460 for a
    /// client that left, the target's status for an answer cut short after its head.
    public var elbStatus: Int?
}

/// Why the gateway answered a request itself: each AWS-documented cause with the status
/// ALB gives it (Troubleshoot your Application Load Balancers). `rawValue` is the metrics
/// label and the JSON log's `cause`.
public enum ProxyCause: String, Sendable, CaseIterable {
    /// "The target groups for the load balancer have no registered targets": 503.
    case noTargets = "no_targets"
    /// "The load balancer received a TCP RST from the target when attempting to establish a connection": 502.
    case connectFailed = "connect_failed"
    /// "failed to establish a connection to the target before the connection timeout expired (10 seconds)": 504.
    case connectTimeout = "connect_timeout"
    /// "The target closed the connection with a TCP RST or a TCP FIN while the load balancer had an
    /// outstanding request to the target" (the keep-alive race among them): 502.
    case targetClosed = "target_closed"
    /// "The target response is malformed or contains HTTP headers that are not valid": 502.
    case malformedResponse = "malformed_response"
    /// "established a connection to the target but the target did not respond before the idle timeout period elapsed": 504.
    case idleTimeout = "idle_timeout"
    /// "The deregistration delay period elapsed for a request being handled by a target that was deregistered": 502.
    case deregistered = "deregistered"
    /// "the client closed the connection with the load balancer before the idle timeout period elapsed": 460.
    case clientClosed = "client_closed"
    /// "The client closed the connection before sending the full request body": 400.
    case clientClosedMidBody = "client_closed_mid_body"

    public var status: Int {
        switch self {
        case .noTargets: 503
        case .connectFailed, .targetClosed, .malformedResponse, .deregistered: 502
        case .connectTimeout, .idleTimeout: 504
        case .clientClosed: 460
        case .clientClosedMidBody: 400
        }
    }
}
