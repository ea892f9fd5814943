import UnderstudyNet

/// The `http[s]://host[:port]/path?query` a probe or load run aims at, split for the socket
/// (host, port, TLS or not) and the request (target, Host header).
public struct ClientURL: Equatable, Sendable, CustomStringConvertible {
    /// Host without IPv6 brackets.
    public var host: String
    public var port: UInt16
    /// Path and query as sent on the request line (`/` when the URL has none).
    public var target: String
    /// `https`: the connection speaks TLS (the server's certificate is not verified, as an
    /// ALB health check does not verify its target's).
    public var isSecure: Bool

    public init(host: String, port: UInt16, target: String = "/", isSecure: Bool = false) {
        self.host = host
        self.port = port
        self.target = target
        self.isSecure = isSecure
    }

    public init(parsing text: String) throws(ClientArgumentError) {
        guard let schemeEnd = text.firstRange(of: "://") else { throw .invalidURL(text, "expected http://host[:port]/path") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw .invalidURL(text, "unsupported scheme \(scheme)") }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...].prefix { $0 != "#" })
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@") else { throw .invalidURL(text, "expected a host") }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(text, "unclosed [ in the host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL(text, "expected :port after ]") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .invalidURL(text, "expected a host") }
        var port: UInt16 = scheme == "https" ? 443 : 80
        if let portText {
            guard let parsed = UInt16(portText), parsed > 0 else { throw .invalidURL(text, "invalid port \"\(portText)\"") }
            port = parsed
        }
        self.init(host: String(host), port: port, target: target, isSecure: scheme == "https")
    }

    /// The `Host` field value: the host (bracketed if IPv6) and the port unless it is the
    /// scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    public var description: String { "\(isSecure ? "https" : "http")://\(hostHeader)\(target)" }

    /// The TLS context an `https` URL's connections share (nil for `http`, or if OpenSSL
    /// cannot make one: the connections then fail their handshakes and say so).
    func makeTLSContext() -> TLSContext? {
        isSecure ? try? TLSContext(clientWithoutVerification: ()) : nil
    }

    /// The name sent in TLS's server_name extension: the host, unless it is an IP address.
    var serverName: String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }
}
