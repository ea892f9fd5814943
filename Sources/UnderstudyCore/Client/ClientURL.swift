/// The `http://host[:port]/path?query` a probe or load run aims at, split for the socket
/// (host, port) and the request (target, Host header). Plain HTTP only.
public struct ClientURL: Equatable, Sendable, CustomStringConvertible {
    /// Host without IPv6 brackets.
    public var host: String
    public var port: UInt16
    /// Path and query as sent on the request line (`/` when the URL has none).
    public var target: String

    public init(host: String, port: UInt16, target: String = "/") {
        self.host = host
        self.port = port
        self.target = target
    }

    public init(parsing text: String) throws(ClientArgumentError) {
        guard let schemeEnd = text.firstRange(of: "://") else { throw .invalidURL(text, "expected http://host[:port]/path") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" else {
            throw .invalidURL(text, scheme == "https" ? "https is not supported; use http://" : "unsupported scheme \(scheme)")
        }
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
        var port: UInt16 = 80
        if let portText {
            guard let parsed = UInt16(portText), parsed > 0 else { throw .invalidURL(text, "invalid port \"\(portText)\"") }
            port = parsed
        }
        self.init(host: String(host), port: port, target: target)
    }

    /// The `Host` field value: the host (bracketed if IPv6) and the port unless it is 80.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    public var description: String { "http://\(hostHeader)\(target)" }
}
