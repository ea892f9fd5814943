/// A response a route produces in one piece; the connection adds framing, `Date`,
/// `Server`, `Connection` and `X-Request-Id`.
public struct HTTPResponse: Equatable, Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: Array(body.utf8))
    }

    /// A one-line plain-text body: protocol and limit rejections (PRODUCT.md, Conventions).
    public static func plainText(_ status: Int, _ reason: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: reason + "\n")
    }
}
