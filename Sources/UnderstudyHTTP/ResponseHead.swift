/// A parsed response head (status line and fields), as the client side reads it.
public struct ResponseHead: Equatable, Sendable {
    public var version: HTTPVersion
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    /// Read for a proxy (`ResponseStreamParser(forwarding: true)`): the end-to-end fields as
    /// `name: value` CR LF lines, ready to pass on; `headers` then holds only the framing
    /// fields (`Content-Length`, `Transfer-Encoding`, `Connection`), and the other hop-by-hop
    /// ones (`Keep-Alive`, `Proxy-Connection`, `Trailer`, `Upgrade`) are left out.
    public var forwardedFields: [UInt8] = []

    public init(version: HTTPVersion = .http1_1, status: Int, reason: String = "", headers: HTTPHeaders = HTTPHeaders()) {
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
    }

    /// True when the connection may carry another request after this response
    /// (RFC 9112 §9.3): HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with keep-alive.
    public var allowsReuse: Bool {
        if headers.contains("Connection", token: "close") { return false }
        return version.minor >= 1 || headers.contains("Connection", token: "keep-alive")
    }
}

/// A complete response: head, body (chunked framing removed) and whether the connection
/// stays usable.
public struct ParsedResponse: Equatable, Sendable {
    public var head: ResponseHead
    public var body: [UInt8]
    /// The connection may carry another request: the head allows it and the body was not
    /// delimited by the close.
    public var keepsConnection: Bool

    public init(head: ResponseHead, body: [UInt8] = [], keepsConnection: Bool) {
        self.head = head
        self.body = body
        self.keepsConnection = keepsConnection
    }

    public var status: Int { head.status }
}

/// Why a response could not be read; `description` is the one-line reason a client reports.
public enum ResponseParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedStatusLine
    case unsupportedVersion(String)
    case invalidField
    case bareCarriageReturn
    case headTooLarge(limit: Int)
    case invalidContentLength
    case malformedChunk
    case bodyTooLarge(limit: Int)
    /// The connection closed before the body's framed end.
    case truncatedBody

    public var description: String {
        switch self {
        case .malformedStatusLine: "malformed status line"
        case .unsupportedVersion(let version): "unsupported HTTP version \(version)"
        case .invalidField: "invalid header field"
        case .bareCarriageReturn: "bare CR in the head"
        case .headTooLarge(let limit): "response head over \(limit) bytes"
        case .invalidContentLength: "invalid Content-Length"
        case .malformedChunk: "malformed chunked body"
        case .bodyTooLarge(let limit): "response body over \(limit) bytes"
        case .truncatedBody: "connection closed inside the body"
        }
    }
}

/// How a response's body is delimited (RFC 9112 §6.3).
public enum ResponseFraming: Equatable, Sendable {
    case none
    case contentLength(Int)
    case chunked
    /// Read until the server closes the connection.
    case untilClose

    /// Decides from the head and the request's method: HEAD, 1xx, 204 and 304 have no body;
    /// chunked when it is the final coding, else until close; then Content-Length; else until close.
    static func of(_ head: ResponseHead, requestMethod: String) throws(ResponseParseError) -> ResponseFraming {
        if requestMethod == "HEAD" || (100..<200).contains(head.status) || head.status == 204 || head.status == 304 {
            return .none
        }
        // The common case, one plain Content-Length and no Transfer-Encoding, without
        // splitting (`subscript` checks the name's length bit before scanning).
        if head.headers["Transfer-Encoding"] == nil, let value = head.headers["Content-Length"],
           !value.isEmpty, value.utf8.count <= 18, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           head.headers.count(of: "Content-Length") == 1, let length = Int(value) {
            return length == 0 ? .none : .contentLength(length)
        }
        let codings = head.headers.values("Transfer-Encoding").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingOWS().lowercasedASCII() }.filter { !$0.isEmpty }
        if !codings.isEmpty {
            return codings.last == "chunked" ? .chunked : .untilClose
        }
        let lengths = head.headers.values("Content-Length").flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { String($0.trimmingOWS()) }
        guard let first = lengths.first else { return .untilClose }
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 18,
              first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(first) else { throw .invalidContentLength }
        return length == 0 ? .none : .contentLength(length)
    }
}
