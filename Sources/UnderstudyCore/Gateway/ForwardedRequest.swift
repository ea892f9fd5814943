import UnderstudyHTTP

/// The bytes the gateway sends a target for one client request: the request line in
/// HTTP/1.1, the client's fields without hop-by-hop ones (RFC 9110 §7.6.1) or `Expect`
/// ("The Expect: 100-Continue request header is not forwarded to its targets"), then
/// ALB's `X-Forwarded-For` (the client's address appended), `X-Forwarded-Proto`,
/// `X-Forwarded-Port` and `X-Amzn-Trace-Id`, then the body's framing: its length, or
/// chunked when the client sent it chunked (the body itself follows as it streams in).
enum ForwardedRequest {
    /// Fields that describe one connection, never forwarded.
    private static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect",
        "content-length", "x-forwarded-proto", "x-forwarded-port", "x-amzn-trace-id",
    ]

    struct Context {
        var clientIP: String
        var scheme: String
        var listenerPort: UInt16
        var traceID: String
        /// `Host` for an HTTP/1.0 request without one (ALB uses its DNS name).
        var fallbackHost: String
    }

    /// How the forwarded body is framed: as the client framed it (the parser has checked it).
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked

        init(_ head: RequestHead, collectedBody: [UInt8]) {
            if !collectedBody.isEmpty {
                self = .length(collectedBody.count)
            } else if head.headers["Transfer-Encoding"] != nil {
                self = .chunked
            } else if let length = head.headers["Content-Length"].flatMap({ Int($0.trimmingOWS()) }), length > 0 {
                self = .length(length)
            } else {
                self = .none
            }
        }
    }

    /// The head (and a body collected already, if any) for `request`.
    static func bytes(for request: HTTPRequest, _ context: Context) -> [UInt8] {
        let headers = request.headers
        // Fields the client named in Connection are hop-by-hop too.
        var dropped = hopByHop
        for value in headers.values("Connection") {
            for token in value.split(separator: ",") { dropped.insert(token.trimmingOWS().lowercasedASCII()) }
        }
        var text = request.method + " " + request.target + " HTTP/1.1\r\n"
        var forwardedFor: String?
        var hasHost = false
        for field in headers {
            let name = field.name.lowercasedASCII()
            if dropped.contains(name) { continue }
            if name == "x-forwarded-for" {
                forwardedFor = forwardedFor.map { $0 + ", " + field.value } ?? field.value
                continue
            }
            if name == "host" {
                guard !hasHost else { continue }
                hasHost = true
                text += "Host: " + Self.host(field.value, listenerPort: context.listenerPort) + "\r\n"
                continue
            }
            text += field.name + ": " + field.value + "\r\n"
        }
        if !hasHost { text += "Host: " + context.fallbackHost + "\r\n" }
        // "the load balancer adds the client IP address to the existing header"
        text += "X-Forwarded-For: " + (forwardedFor.map { $0 + ", " + context.clientIP } ?? context.clientIP) + "\r\n"
        text += "X-Forwarded-Proto: " + context.scheme + "\r\n"
        text += "X-Forwarded-Port: " + String(context.listenerPort) + "\r\n"
        text += "X-Amzn-Trace-Id: " + context.traceID + "\r\n"
        let method = request.method
        switch Framing(request.head, collectedBody: request.body) {
        case .length(let length): text += "Content-Length: " + String(length) + "\r\n"
        case .chunked: text += "Transfer-Encoding: chunked\r\n"
        case .none where method == "POST" || method == "PUT" || method == "PATCH": text += "Content-Length: 0\r\n"
        case .none: break
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        bytes.append(contentsOf: request.body)
        return bytes
    }

    /// ALB's Host rewriting (Edit attributes for your Application Load Balancer, Host header
    /// preservation off): the name lowercased; on a listener port other than 80 and 443 the
    /// port appended if absent; on 80 and 443 any port removed.
    static func host(_ value: String, listenerPort: UInt16) -> String {
        let lowered = value.trimmingOWS().lowercasedASCII()
        let portStart = lowered.lastIndex(of: ":").flatMap { colon in
            lowered.hasPrefix("[") && !lowered[..<colon].hasSuffix("]") ? nil : colon
        }
        if listenerPort == 80 || listenerPort == 443 { return portStart.map { String(lowered[..<$0]) } ?? lowered }
        return portStart == nil ? lowered + ":" + String(listenerPort) : lowered
    }

    /// The host part of `host:port` or `[v6]:port` (an address as the access log shows it).
    static func host(of address: String) -> String {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<close])
        }
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }
}
