#if canImport(Glibc)
import Glibc
#endif
import UnderstudyHTTP

/// Why a check or request got no usable response, named as load balancers report it.
public enum ClientFailure: Error, Equatable, Sendable, CustomStringConvertible {
    case timeout
    case connectionRefused
    case reset
    /// The server closed the connection before any byte of a response.
    case closedBeforeResponse
    case badResponse(ResponseParseError)
    case unreachable
    case socket(Int32)
    /// The run was stopped (SIGINT) before an answer came.
    case interrupted

    /// From the errno of a failed connect, read or write.
    init(errno code: Int32) {
        switch code {
        case ECONNREFUSED: self = .connectionRefused
        case ECONNRESET, EPIPE: self = .reset
        case ETIMEDOUT: self = .timeout
        case EHOSTUNREACH, ENETUNREACH: self = .unreachable
        default: self = .socket(code)
        }
    }

    /// The word a text line shows (`timeout`, `connection refused`, `reset`).
    public var description: String {
        switch self {
        case .timeout: "timeout"
        case .connectionRefused: "connection refused"
        case .reset: "reset"
        case .closedBeforeResponse: "closed before response"
        case .badResponse(let error): "bad response (\(error))"
        case .unreachable: "unreachable"
        case .socket(let code): String(cString: strerror(code))
        case .interrupted: "interrupted"
        }
    }

    /// The snake_case name JSON output and error counts use.
    public var code: String {
        switch self {
        case .timeout: "timeout"
        case .connectionRefused: "connection_refused"
        case .reset: "reset"
        case .closedBeforeResponse: "closed_before_response"
        case .badResponse: "bad_response"
        case .unreachable: "unreachable"
        case .socket: "socket_error"
        case .interrupted: "interrupted"
        }
    }
}
