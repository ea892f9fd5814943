/// A `host:port` a listener binds to, as users write it in config and flags:
/// `0.0.0.0:8080`, `[::1]:8080`, `:8080` (every IPv4 interface), `localhost:0`.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host as written, without IPv6 brackets (`::1`), or `0.0.0.0` when omitted.
    public var host: String
    /// Port number; 0 asks the kernel for a free one.
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or `:port`.
    public init(parsing text: String) throws(ListenAddressError) {
        guard let colon = text.lastIndex(of: ":") else { throw .missingPort(text) }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = UInt16(portText) else { throw .invalidPort(text) }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw .invalidHost(text) }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .invalidHost(text)   // an IPv6 literal needs brackets: [::1]:8080
        }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    /// True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var isIPv6: Bool { host.contains(":") }

    /// `host:port`, bracketing IPv6 literals.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a listen address could not be parsed; `description` is the reason shown to users.
public enum ListenAddressError: Error, Equatable, CustomStringConvertible {
    case missingPort(String)
    case invalidPort(String)
    case invalidHost(String)

    public var description: String {
        switch self {
        case .missingPort(let text): "expected host:port, got \"\(text)\""
        case .invalidPort(let text): "expected a port 0-65535 in \"\(text)\""
        case .invalidHost(let text): "IPv6 addresses need brackets, like [::1]:8080; got \"\(text)\""
        }
    }
}
