/// Where a connection is in its life, as `/api/state` and `/metrics` report it.
public enum ConnectionState: Int, CaseIterable, Sendable {
    /// Some bytes of a request arrived; the rest has not.
    case reading
    /// A route is producing the response.
    case processing
    /// The response waits on a timer (a configured or requested delay).
    case delayed
    /// The response is written, but the socket has not taken all of it yet.
    case writing
    /// Between requests, waiting for the next one (or for the first one).
    case keepAliveIdle

    /// The name used in JSON, metrics labels and events.
    public var name: String {
        switch self {
        case .reading: "reading"
        case .processing: "processing"
        case .delayed: "delayed"
        case .writing: "writing"
        case .keepAliveIdle: "keepalive_idle"
        }
    }
}

/// Why a connection closed, as logs and events report it.
public enum CloseReason: String, Sendable {
    case keepAliveTimeout = "keepalive_timeout"
    case maxRequests = "max_requests"
    case clientClose = "client_close"
    case serverClose = "server_close"
    case reset = "reset"
    case error = "error"
    case rejected = "rejected"
    case writeTimeout = "write_timeout"
    case draining = "draining"
    case connectionLimit = "connection_limit"
    /// Event model: idle keep-alive connections are closed when every worker is busy.
    case workersBusy = "workers_busy"
    /// A fault rule reset, closed, stalled or truncated the connection.
    case fault = "fault"
    /// A gateway's target failed after the answer had begun: the client's connection is reset.
    case targetError = "target_error"
    /// TLS: the handshake failed (not TLS, no shared protocol or cipher) or a record was bad.
    case tlsError = "tls_error"
    /// TLS: no finished handshake within `tls.handshake_timeout`.
    case handshakeTimeout = "handshake_timeout"
    /// An event-stream subscriber's unsent events passed `admin.events.max_backlog`.
    case slowSubscriber = "slow_subscriber"
}
