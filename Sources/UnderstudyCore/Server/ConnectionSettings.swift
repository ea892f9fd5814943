import UnderstudyHTTP

/// What a plane's connections obey: limits, keep-alive policy and deadlines, in the form
/// the hot path wants (nanoseconds, plain integers). Built once from the config.
public struct ConnectionSettings: Sendable {
    /// `data` or `admin`: the `plane` label in logs and metrics.
    public var plane: String
    public var limits = ParserLimits()
    public var keepAliveEnabled = true
    public var keepAliveTimeout: Duration = .seconds(75)
    /// Requests per connection; 0 means unlimited.
    public var maxRequests = 1000
    public var headerTimeout: Duration = .seconds(20)
    public var bodyTimeout: Duration = .seconds(60)
    public var writeTimeout: Duration = .seconds(60)
    /// How long a closing connection keeps reading (and discarding) before it closes, so
    /// unread request bytes do not turn its FIN into a reset that destroys the response.
    public var lingerTimeout: Duration = .seconds(2)
    /// Open connections allowed across the plane; 0 means unlimited.
    public var maxConnections = 0
    /// Who holds a worker slot (`server.model`), how many there are (0: no limit), and the
    /// event model's accept factor.
    public var model = ServerModel.event
    public var workers = 0
    public var asyncFactor = 2.0
    /// Leave connections that sent nothing in the kernel for up to this long (`TCP_DEFER_ACCEPT`).
    public var deferAccept: Duration?
    /// Header and body deadlines restart whenever request bytes arrive, so they bound the
    /// silence, not the whole request (the gateway: ALB's 408 is "did not send data before
    /// the idle timeout").
    public var deadlinesAreIdle = false
    /// Requests with a body are handed to the handler at their head, and the body follows
    /// piece by piece (`Exchange.onBodyPart`): a proxy forwards it as it comes.
    public var streamsRequestBodies = false
    /// A connection older than this gets `Connection: close` on its next response (ALB's
    /// HTTP client keepalive duration); nil: no limit.
    public var maxConnectionAge: Duration?
    public var logsAccess = true
    /// A TLS connection must finish its handshake within this (`tls.handshake_timeout`).
    public var handshakeTimeout: Duration = .seconds(10)
    /// Response compression and request-body decoding; nil leaves bodies as they are.
    public var compression: CompressionPolicy?
    /// `http` or `https`: how clients reached this plane (absolute URLs, echoed `url`).
    public var scheme = "http"

    public init(plane: String) {
        self.plane = plane
    }
}

extension Duration {
    var nanoseconds: UInt64 { UInt64(nanosecondsClamped) }

    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
