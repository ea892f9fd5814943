import UnderstudyNet

/// The `gateway` role (PRODUCT.md, Gateway): a load balancer with ALB semantics in front of
/// `targets`. Defaults are ALB's, each with the AWS documentation it comes from.
public struct GatewayConfig: ConfigSection, Codable, Equatable, Sendable {
    /// Where clients connect; one address or a list.
    public var listen = [ListenAddress(host: "0.0.0.0", port: 8000)]
    /// Targets registered at start (`host:port`); more come and go through the admin API.
    public var targets: [ListenAddress] = []
    /// ALB's connection idle timeout: 60 s by default, 1-4000 s ("Connection idle timeout",
    /// Application Load Balancer user guide). No data moving for this long: 504 (target
    /// side) or a closed connection (client side).
    public var idleTimeout = ConfigDuration(.seconds(60))
    /// How long a pooled target connection may sit unused before the gateway closes it;
    /// unset, the idle timeout (ALB applies its idle timeout to target connections too).
    public var targetIdleTimeout: ConfigDuration?
    /// ALB: "The load balancer was unable to establish a connection to the target before
    /// the connection timeout expired (10 seconds)": 504.
    public var connectTimeout = ConfigDuration(.seconds(10))
    /// `round_robin` (ALB's default) or `least_outstanding_requests`.
    public var routing = GatewayRouting.roundRobin
    /// How the gateway speaks to targets, requests and health checks alike (the target
    /// group's protocol): `http`, or `https` (TLS without certificate checks, as ALB).
    public var targetProtocol = GatewayTargetProtocol.http
    /// ALB's HTTP client keepalive duration (`client_keep_alive.seconds`): 3600 s by default,
    /// 60 s-7 days. "After the configured HTTP client keepalive duration elapses, the
    /// Application Load Balancer accepts one more request and then returns a response that
    /// gracefully closes the connection" (`Connection: close`).
    public var clientKeepalive = ConfigDuration(.seconds(3600))
    /// ALB's `deregistration_delay.timeout_seconds`: 300 s by default, 0-3600 s.
    public var deregistrationDelay = ConfigDuration(.seconds(300))
    public var healthCheck = GatewayHealthCheckConfig()
    public var log = GatewayLogConfig()
    /// The gateway's own admin plane (targets, state, metrics), apart from `serve`'s 9901.
    public var admin = GatewayConfig.defaultAdmin
    /// Event loops for client connections; 0 means one per CPU the process may run on.
    public var loops = 0
    /// HTTPS listeners (ALB's HTTPS listener) and their certificate; `tls.admin` puts the
    /// gateway's admin plane on TLS too.
    public var tls = TLSConfig()

    public init() {}

    static var defaultAdmin: AdminConfig {
        var admin = AdminConfig()
        admin.listen = ListenAddress(host: "127.0.0.1", port: 9902)
        return admin
    }

    /// The target-side idle timeout in effect.
    public var effectiveTargetIdleTimeout: Duration { (targetIdleTimeout ?? idleTimeout).duration }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, targets, idleTimeout = "idle_timeout", targetIdleTimeout = "target_idle_timeout"
        case connectTimeout = "connect_timeout", clientKeepalive = "client_keepalive", routing
        case targetProtocol = "target_protocol"
        case deregistrationDelay = "deregistration_delay"
        case healthCheck = "health_check", log, admin, loops, tls
    }
}

/// A target group's protocol: plain HTTP, or HTTPS (ALB "does not validate" target certificates).
public enum GatewayTargetProtocol: String, Codable, CaseIterable, Sendable {
    case http, https

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = GatewayTargetProtocol(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected http or https, got \"\(text)\"")
        }
        self = value
    }
}

/// ALB's routing algorithms for a target group (`load_balancing.algorithm.type`).
public enum GatewayRouting: String, Codable, CaseIterable, Sendable {
    case roundRobin = "round_robin"
    /// The target with the fewest requests in flight; ties go round robin.
    case leastOutstandingRequests = "least_outstanding_requests"

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let routing = GatewayRouting(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected round_robin or least_outstanding_requests, got \"\(text)\"")
        }
        self = routing
    }
}

/// Target health checks, with ALB's defaults for an HTTP target group: `/`, every 30 s,
/// 5 s timeout, 5 passes to healthy, 2 failures to unhealthy, status 200.
public struct GatewayHealthCheckConfig: ConfigSection, Codable, Equatable, Sendable {
    public var path = "/"
    public var interval = ConfigDuration(.seconds(30))
    public var timeout = ConfigDuration(.seconds(5))
    public var healthyThreshold = 5
    public var unhealthyThreshold = 2
    /// Accepted statuses as ALB writes its matcher: `200`, `200,202`, `200-299`.
    public var matcher = "200"

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, interval, timeout, healthyThreshold = "healthy_threshold"
        case unhealthyThreshold = "unhealthy_threshold", matcher
    }
}

/// The gateway's access log: ALB's space-separated format (`alb`) or the same fields as
/// JSON lines (`json`), on stdout; `access: false` silences it.
public struct GatewayLogConfig: ConfigSection, Codable, Equatable, Sendable {
    public var access = true
    public var format = GatewayLogFormat.alb

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case access, format
    }
}

/// How the gateway writes its access log.
public enum GatewayLogFormat: String, Codable, CaseIterable, Sendable {
    case alb, json

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let format = GatewayLogFormat(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected alb or json, got \"\(text)\"")
        }
        self = format
    }
}
