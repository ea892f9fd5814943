import UnderstudyHTTP

/// The bytes the gateway sends a target for one client request: the request line in
/// HTTP/1.1, the client's fields without hop-by-hop ones (RFC 9110 §7.6.1) or `Expect`
/// ("The Expect: 100-Continue request header is not forwarded to its targets"), then
/// ALB's `X-Forwarded-For` (the client's address appended), `X-Forwarded-Proto`,
/// `X-Forwarded-Port` and `X-Amzn-Trace-Id`, then the body's framing: its length, or
/// chunked when the client sent it chunked (the body itself follows as it streams in).
enum ForwardedRequest {
    /// Fields that describe one connection, or that the gateway writes itself: never
    /// forwarded as the client sent them. Checked by length first (this runs per field).
    private static func isReplaced(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: name.equalsIgnoringASCIICase("te")
        case 6: name.equalsIgnoringASCIICase("expect")
        case 7: name.equalsIgnoringASCIICase("trailer") || name.equalsIgnoringASCIICase("upgrade")
        case 10: name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("keep-alive")
        case 14: name.equalsIgnoringASCIICase("content-length")
        case 15: name.equalsIgnoringASCIICase("x-amzn-trace-id")
        case 16: name.equalsIgnoringASCIICase("proxy-connection") || name.equalsIgnoringASCIICase("x-forwarded-port")
        case 17: name.equalsIgnoringASCIICase("transfer-encoding") || name.equalsIgnoringASCIICase("x-forwarded-proto")
        default: false
        }
    }

    struct Context {
        var clientIP: String
        var scheme: String
        var listenerPort: UInt16
        var traceID: String
        /// `Host` for an HTTP/1.0 request without one (ALB uses its DNS name).
        var fallbackHost: String

        var listenerPortText: String { String(listenerPort) }
    }

    /// The head (and a body collected already, if any) for `request`. A streamed body goes
    /// in the framing the parser read from the client's head (`streamedBody`), never
    /// re-read from the header text (`Content-Length: 5, 5` is 5 to the parser).
    static func bytes(for request: HTTPRequest, streamedBody: BodyFraming = .none, _ context: Context) -> [UInt8] {
        let headers = request.headers
        // Fields the client named in Connection are hop-by-hop too.
        var named: [Substring] = []
        for value in headers["Connection"] == nil ? [] : headers.values("Connection") {
            for token in value.split(separator: ",") {
                let name = token.trimmingOWS()
                if !name.equalsIgnoringASCIICase("close") && !name.equalsIgnoringASCIICase("keep-alive") { named.append(name) }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(384 + request.body.count)
        func line(_ name: StaticString, _ value: String) {
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: [13, 10])
        }
        out.append(contentsOf: request.method.utf8)
        out.append(0x20)
        out.append(contentsOf: request.target.utf8)
        out.append(contentsOf: " HTTP/1.1\r\n".utf8)
        var forwardedFor: String?
        var hasHost = false
        for field in headers {
            let name = field.name
            if Self.isReplaced(name) || named.contains(where: { name.equalsIgnoringASCIICase($0) }) { continue }
            if name.utf8.count == 15 && name.equalsIgnoringASCIICase("x-forwarded-for") {
                forwardedFor = forwardedFor.map { $0 + ", " + field.value } ?? field.value
                continue
            }
            if name.utf8.count == 4 && name.equalsIgnoringASCIICase("host") {
                guard !hasHost else { continue }
                hasHost = true
                line("Host: ", Self.host(field.value, listenerPort: context.listenerPort))
                continue
            }
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: [0x3A, 0x20])
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: [13, 10])
        }
        if !hasHost { line("Host: ", context.fallbackHost) }
        // "the load balancer adds the client IP address to the existing header"
        line("X-Forwarded-For: ", forwardedFor.map { $0 + ", " + context.clientIP } ?? context.clientIP)
        line("X-Forwarded-Proto: ", context.scheme)
        line("X-Forwarded-Port: ", context.listenerPortText)
        line("X-Amzn-Trace-Id: ", context.traceID)
        let method = request.method
        switch request.body.isEmpty ? streamedBody : .contentLength(request.body.count) {
        case .contentLength(let length): line("Content-Length: ", String(length))
        case .chunked: line("Transfer-Encoding: ", "chunked")
        case .none where method == "POST" || method == "PUT" || method == "PATCH": line("Content-Length: ", "0")
        case .none: break
        }
        out.append(contentsOf: [13, 10])
        out.append(contentsOf: request.body)
        return out
    }

    /// ALB's Host rewriting (Edit attributes for your Application Load Balancer, Host header
    /// preservation off): the name lowercased; on a listener port other than 80 and 443 the
    /// port appended if absent; on 80 and 443 any port removed.
    static func host(_ value: String, listenerPort: UInt16) -> String {
        let isDefaultPort = listenerPort == 80 || listenerPort == 443
        let lowered = value.utf8.contains { $0 >= 0x41 && $0 <= 0x5A || $0 == 0x20 || $0 == 0x09 }
            ? value.trimmingOWS().lowercasedASCII() : value
        let portStart = lowered.lastIndex(of: ":").flatMap { colon in
            lowered.hasPrefix("[") && !lowered[..<colon].hasSuffix("]") ? nil : colon
        }
        if isDefaultPort { return portStart.map { String(lowered[..<$0]) } ?? lowered }
        return portStart == nil ? lowered + ":" + String(listenerPort) : lowered
    }

    /// The host part of `host:port` or `[v6]:port` (an address as the access log shows it).
    static func host(of address: String) -> String {
        let bytes = address.utf8
        if bytes.first == UInt8(ascii: "["), let close = bytes.firstIndex(of: UInt8(ascii: "]")) {
            return String(address[bytes.index(after: bytes.startIndex)..<close])
        }
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return address }
        return String(address[..<colon])
    }
}
