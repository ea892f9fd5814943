import UnderstudyHTTP

/// What one check or request on an `HTTPClientConnection` came to, and how long it took.
public struct ClientOutcome: Sendable {
    /// A response, a completed handshake (connect-only checks), or a failure.
    public enum Result: Sendable {
        case response(ParsedResponse)
        /// A connect-only check completed its handshake.
        case connected
        case failed(ClientFailure)
    }

    public var result: Result
    /// From the start (connect included) to the response's last byte, or to the failure.
    public var latencyNanoseconds: UInt64
    /// The request went out on a connection kept from an earlier one.
    public var reusedConnection: Bool

    public var status: Int? {
        if case .response(let response) = result { response.status } else { nil }
    }

    public var failure: ClientFailure? {
        if case .failed(let failure) = result { failure } else { nil }
    }
}

/// How the server ended a connection the client held idle.
public enum IdleClose: String, Sendable {
    /// A FIN: the server's keep-alive timer (or a graceful close).
    case endOfStream = "fin"
    case reset
}
