import UnderstudyNet

/// The data plane's listeners, connection handling, keep-alive policy, deadlines and limits.
public struct ServerConfig: ConfigSection, Codable, Equatable, Sendable {
    /// One address or a list in YAML.
    public var listen = [ListenAddress(host: "0.0.0.0", port: 8080)]
    /// Listen backlog (Apache `ListenBacklog`), 1...65535.
    public var backlog = 511
    /// Event loops; 0 means one per CPU the process may run on.
    public var loops = 0
    public var keepAlive = KeepAliveConfig()
    public var timeouts = TimeoutsConfig()
    public var limits = LimitsConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, backlog, loops, keepAlive = "keepalive", timeouts, limits
    }
}

/// Keep-alive policy (Apache `KeepAlive`, `KeepAliveTimeout`, `MaxKeepAliveRequests`).
public struct KeepAliveConfig: ConfigSection, Codable, Equatable, Sendable {
    public var enabled = true
    /// Idle time allowed before a connection's next request starts.
    public var timeout = ConfigDuration(.seconds(75))
    /// Requests per connection; 0 means unlimited.
    public var maxRequests = 1000

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, timeout, maxRequests = "max_requests"
    }
}

/// Read and write deadlines (Apache `RequestReadTimeout`, `Timeout`); each above zero.
public struct TimeoutsConfig: ConfigSection, Codable, Equatable, Sendable {
    /// From a request's first byte to the end of its header section.
    public var header = ConfigDuration(.seconds(20))
    /// Between reads of a request body.
    public var body = ConfigDuration(.seconds(60))
    /// Between writes of a response.
    public var write = ConfigDuration(.seconds(60))

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case header, body, write
    }
}

/// Request size limits and the connection cap (Apache `LimitRequest*`).
public struct LimitsConfig: ConfigSection, Codable, Equatable, Sendable {
    /// Longest request line (`LimitRequestLine`); at least 64B.
    public var requestLine = ByteSize.kibibytes(16)
    /// Largest header section (`LimitRequestFieldSize` × fields); at least 256B.
    public var headerBytes = ByteSize.kibibytes(64)
    /// Most header fields (`LimitRequestFields`); at least 1.
    public var headerFields = 100
    /// Largest request body (`LimitRequestBody`).
    public var bodyBytes = ByteSize.mebibytes(10)
    /// Open connections; 0 means the open-file limit.
    public var connections = 0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case requestLine = "request_line", headerBytes = "header_bytes", headerFields = "header_fields"
        case bodyBytes = "body_bytes", connections
    }
}
