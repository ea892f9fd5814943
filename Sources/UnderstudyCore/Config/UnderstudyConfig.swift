import UnderstudyNet

// The config model. YAML keys are the `CodingKeys` raw values; to add a key, add the property
// (with its default) and its `CodingKeys` case: the loader's schema, env names and `check` output
// follow. A new section is a `ConfigSection` struct with a `public init()`; add range checks to
// `UnderstudyConfig+Validation.swift` and a commented line to `config/default.yaml`.

/// The whole configuration of one Understudy process; `UnderstudyConfig()` is the embedded default.
public struct UnderstudyConfig: ConfigSection, Codable, Equatable, Sendable {
    public var server = ServerConfig()
    public var admin = AdminConfig()
    public var health = HealthConfig()
    public var faults = FaultsConfig()
    public var sqs = SQSConfig()
    public var log = LogConfig()
    public var shutdown = ShutdownConfig()
    public var compression = CompressionConfig()
    public var tls = TLSConfig()
    /// Read by `understudy gateway` only (`serve` ignores it).
    public var gateway = GatewayConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, admin, health, faults, sqs, log, shutdown, compression, tls, gateway
    }
}

/// The admin plane's listener and the bearer token that guards it, where the dashboard's
/// files are, and how the event stream behaves.
public struct AdminConfig: ConfigSection, Codable, Equatable, Sendable {
    public var listen = ListenAddress(host: "127.0.0.1", port: 9901)
    /// Required (`Authorization: Bearer …`) when `listen` is not a loopback address; empty means none.
    public var token: String?
    /// The dashboard's folder; unset: `Public/` beside the binary, in `../share/understudy/`,
    /// in the working directory, or in the source tree, the first that has an `index.html`.
    public var publicDir: String?
    public var events = AdminEventsConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, token, publicDir = "public_dir", events
    }
}

/// `GET /api/events` (`admin.events`): sampling, the resume buffer, the slow-subscriber
/// bound and the heartbeat.
public struct AdminEventsConfig: ConfigSection, Codable, Equatable, Sendable {
    /// Per-request and per-connection kinds (`request_completed`, `connection_opened`,
    /// `connection_closed`, `health_answered`, `fault_fired`): at most this many events of
    /// each per second, sampled across the second; the `stats` event counts them all.
    public var maxPerSecond = 100
    /// Events kept for a subscriber that reconnects with `Last-Event-ID`.
    public var buffer = 1000
    /// A subscriber whose unsent events pass this is dropped (its connection reset).
    public var maxBacklog = ByteSize.mebibytes(1)
    /// A comment line this often keeps an idle stream open through proxies.
    public var heartbeat = ConfigDuration(.seconds(15))

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxPerSecond = "max_per_second", buffer, maxBacklog = "max_backlog", heartbeat
    }
}


/// What `/health` answers until the admin API or a fault rule changes it.
public struct HealthConfig: ConfigSection, Codable, Equatable, Sendable {
    public var status = 200
    public var body = #"{"status":"ok"}"#
    public var contentType = "application/json"
    public var delay = ConfigDuration(.zero)

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status, body, contentType = "content_type", delay
    }
}

/// Product log output: the JSON access log on stdout and the diagnostic level on stderr.
public struct LogConfig: ConfigSection, Codable, Equatable, Sendable {
    public var access = true
    public var level = LogLevel.info

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case access, level
    }
}

/// How long SIGTERM keeps serving (`drain`) and then waits for in-flight requests (`grace`).
public struct ShutdownConfig: ConfigSection, Codable, Equatable, Sendable {
    public var drain = ConfigDuration(.seconds(5))
    public var grace = ConfigDuration(.seconds(20))

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case drain, grace
    }
}

/// Diagnostic log levels, named as swift-log's `Logger.Level` (same raw values).
public enum LogLevel: String, Codable, CaseIterable, Sendable {
    case trace, debug, info, notice, warning, error, critical

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let level = LogLevel(rawValue: text) else {
            let names = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected one of \(names), got \"\(text)\"")
        }
        self = level
    }
}
