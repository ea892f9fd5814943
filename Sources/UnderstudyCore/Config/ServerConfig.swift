import UnderstudyNet

/// The data plane's listeners, connection handling, keep-alive policy, deadlines and limits.
public struct ServerConfig: ConfigSection, Codable, Equatable, Sendable {
    /// One address or a list in YAML.
    public var listen = [ListenAddress(host: "0.0.0.0", port: 8080)]
    /// Who holds a worker slot: a request (`event`) or a connection (`prefork`).
    public var model = ServerModel.event
    /// Worker slots (Apache `MaxRequestWorkers`); 0 means unlimited.
    public var workers = 0
    /// Listen backlog (Apache `ListenBacklog`), 1...65535.
    public var backlog = 511
    /// Leave connections that have sent no byte in the kernel (`TCP_DEFER_ACCEPT`).
    public var deferAccept = true
    public var event = EventModelConfig()
    /// Event loops; 0 means one per CPU the process may run on.
    public var loops = 0
    public var keepAlive = KeepAliveConfig()
    public var timeouts = TimeoutsConfig()
    public var limits = LimitsConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, model, workers, backlog, deferAccept = "defer_accept", event, loops
        case keepAlive = "keepalive", timeouts, limits
    }
}

/// The connection models of PRODUCT.md, after Apache's MPMs.
public enum ServerModel: String, Codable, CaseIterable, Sendable {
    /// Idle keep-alive connections cost no worker; workers limit requests in progress (event MPM).
    case event
    /// A connection holds a worker from accept to close, keep-alive idle time included (prefork MPM).
    case prefork

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let model = ServerModel(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected event or prefork, got \"\(text)\"")
        }
        self = model
    }
}

/// The event model's accept limit (Apache `AsyncRequestWorkerFactor`).
public struct EventModelConfig: ConfigSection, Codable, Equatable, Sendable {
    /// New connections are accepted only while open connections number fewer than
    /// `workers + async_factor × idle workers`.
    public var asyncFactor = 2.0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case asyncFactor = "async_factor"
    }

    /// A whole factor is written as an integer (`2`, not Yams's `2e+0`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if asyncFactor == asyncFactor.rounded(), abs(asyncFactor) < 1e9 {
            try container.encode(Int(asyncFactor), forKey: .asyncFactor)
        } else {
            try container.encode(asyncFactor, forKey: .asyncFactor)
        }
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
