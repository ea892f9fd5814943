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
        didSet { shape = TargetShape(target) }
    }
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// Where `?` is and whether the path has `%`, found in one pass when the target is set
    /// (routes and fault rules ask for both on every request).
    @usableFromInline var shape: TargetShape

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.shape = TargetShape(target)
    }

    /// UTF-8 bytes of the path part of the target (before `?`).
    @inlinable public var pathByteCount: Int { shape.pathByteCount }

    /// True when the path has a `%`: only then does it need percent-decoding.
    @inlinable public var pathHasPercent: Bool { shape.pathHasPercent }

    /// True when the target has a non-empty query.
    @inlinable public var hasQuery: Bool { shape.hasQuery }

    /// Where `?` is, if anywhere.
    private var queryMark: String.Index? {
        shape.hasMark ? target.utf8.index(target.utf8.startIndex, offsetBy: shape.pathByteCount) : nil
    }

    /// The path part of the target, before `?`.
    public var path: Substring {
        guard let queryMark else { return target[...] }
        return target[..<queryMark]
    }

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

/// The layout of a request target, from one scan of its bytes; eight bytes, so requests
/// stay small enough to move in registers.
@usableFromInline struct TargetShape: Equatable, Sendable {
    @usableFromInline var pathBytes: UInt32
    @usableFromInline var flags: UInt8

    @usableFromInline static let percent: UInt8 = 1
    @usableFromInline static let query: UInt8 = 2
    @usableFromInline static let mark: UInt8 = 4

    @inlinable var pathByteCount: Int { Int(pathBytes) }
    @inlinable var pathHasPercent: Bool { flags & Self.percent != 0 }
    @inlinable var hasQuery: Bool { flags & Self.query != 0 }
    /// The target has a `?` (perhaps with nothing after it).
    @inlinable var hasMark: Bool { flags & Self.mark != 0 }

    init(_ target: String) {
        let utf8 = target.utf8
        let scan: (Int, Bool)? = utf8.withContiguousStorageIfAvailable { bytes in
            var hasPercent = false
            for (offset, byte) in bytes.enumerated() {
                if byte == UInt8(ascii: "?") { return (offset, hasPercent) }
                if byte == UInt8(ascii: "%") { hasPercent = true }
            }
            return (bytes.count, hasPercent)
        }
        let (count, hasPercent) = scan ?? {
            let mark = utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex
            return (utf8.distance(from: utf8.startIndex, to: mark), utf8[..<mark].contains(UInt8(ascii: "%")))
        }()
        pathBytes = UInt32(clamping: count)
        let total = utf8.count
        flags = (hasPercent ? Self.percent : 0) | (count + 1 < total ? Self.query : 0) | (count < total ? Self.mark : 0)
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
