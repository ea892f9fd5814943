/// An HTTP version as it appears on the request line.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// A parsed request head: request line plus header fields.
public struct RequestHead: Equatable, Sendable {
    public var method: String
    /// The request target as sent (`/path?query`, or absolute form).
    public var target: String {
        didSet { queryMark = Self.queryMark(in: target) }
    }
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Where `?` is in the target (found once; routes ask for the path more than once).
    private var queryMark: String.Index?

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.queryMark = Self.queryMark(in: target)
    }

    private static func queryMark(in target: String) -> String.Index? {
        target.utf8.firstIndex(of: UInt8(ascii: "?"))
    }

    /// The path part of the target, before `?`.
    public var path: Substring { target[..<(queryMark ?? target.endIndex)] }

    /// The query after `?`, without it, or empty.
    public var query: Substring {
        guard let queryMark else { return "" }
        return target[target.index(after: queryMark)...]
    }

    /// True when the client asked for `100 Continue` (RFC 9110 §10.1.1).
    public var expectsContinue: Bool {
        guard let expect = headers["Expect"] else { return false }
        return expect.trimmingOWS().equalsIgnoringASCIICase("100-continue")
    }
}

/// A complete request: head and de-chunked body.
public struct HTTPRequest: Equatable, Sendable {
    public var head: RequestHead
    public var body: [UInt8]

    public init(head: RequestHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    public var method: String { head.method }
    public var target: String { head.target }
    public var path: Substring { head.path }
    public var headers: HTTPHeaders { head.headers }
    public var version: HTTPVersion { head.version }
}
