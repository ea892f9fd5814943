/// Size limits the request parser enforces (server.limits.* in the config).
public struct ParserLimits: Equatable, Sendable {
    public var requestLine: Int
    public var headerBytes: Int
    public var headerFields: Int
    public var bodyBytes: Int

    public init(requestLine: Int = 16 * 1024, headerBytes: Int = 64 * 1024,
                headerFields: Int = 100, bodyBytes: Int = 10 * 1024 * 1024) {
        self.requestLine = requestLine
        self.headerBytes = headerBytes
        self.headerFields = headerFields
        self.bodyBytes = bodyBytes
    }
}
