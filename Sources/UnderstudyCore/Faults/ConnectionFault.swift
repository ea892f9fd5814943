/// A fault done to the connection rather than to the answer (toxiproxy's toxics); each case
/// is applied by `HTTPConnection+Faults.swift`, the exhaustive `switch` there is the registry.
public enum ConnectionFault: Equatable, Sendable {
    /// A TCP reset (`SO_LINGER` 0): the client sees `ECONNRESET`; no response.
    case reset
    /// A FIN without a response: the client sees the connection end.
    case close
    /// Reads the request and never answers; holds the connection until the client gives up
    /// or `faults.max_delay` passes, then closes.
    case stall
    /// Sends the response `bytes` at a time, one burst per `every`.
    case trickle(bytes: Int, every: Duration)
    /// Sends the first `bytes` of the response as serialized (head included), then closes.
    case truncate(bytes: Int)
    /// Holds the response, status line first, for `delay` after the handler answered.
    case slowHead(delay: Duration)

    /// The name used in YAML, JSON and logs.
    public var name: String {
        switch self {
        case .reset: "reset"
        case .close: "close"
        case .stall: "stall"
        case .trickle: "trickle"
        case .truncate: "truncate"
        case .slowHead: "slow_head"
        }
    }
}
