/// Reads whole HTTP/1.1 responses incrementally from whatever bytes arrive: a
/// `ResponseStreamParser` whose body pieces are collected, up to `bodyLimit`. One parser
/// per connection, reset (`expect`) before each request; owned by that connection's loop.
public struct ResponseParser {
    /// What one `parse` call reached.
    public enum Outcome: Equatable, Sendable {
        case incomplete
        case complete(ParsedResponse)
    }

    public var headLimit: Int { stream.headLimit }
    public var bodyLimit: Int { stream.bodyLimit }
    private var stream: ResponseStreamParser
    private var head: ResponseHead?
    private var body: [UInt8] = []

    public init(requestMethod: String = "GET", headLimit: Int = 64 * 1024, bodyLimit: Int = 16 * 1024 * 1024) {
        stream = ResponseStreamParser(requestMethod: requestMethod, headLimit: headLimit, bodyLimit: bodyLimit)
    }

    /// True once any byte of the awaited response has arrived.
    public var hasStarted: Bool { stream.hasStarted }

    /// Gets ready for the response to a new request sent with `method`.
    public mutating func expect(requestMethod method: String) {
        stream.expect(requestMethod: method)
        head = nil
        body = []
    }

    /// Consumes bytes up to the end of one response; bytes after it are left unconsumed.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(ResponseParseError) -> (consumed: Int, outcome: Outcome) {
        var offset = 0
        while true {
            let (consumed, event) = try stream.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...])) { piece in
                body.append(contentsOf: piece)
            }
            offset += consumed
            switch event {
            case .needMore:
                return (offset, .incomplete)
            case .head(let parsed):
                head = parsed
            case .complete(let keepsConnection):
                return (offset, .complete(finish(keepsConnection: keepsConnection)))
            }
        }
    }

    public mutating func parse(_ bytes: [UInt8]) throws(ResponseParseError) -> (consumed: Int, outcome: Outcome) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ResponseParseError) in try parse(raw) }
        }.get()
    }

    /// The server closed the connection: completes a body delimited by the close, returns
    /// nil when no byte of a response had come, and throws when one was cut short.
    public mutating func finishAtEndOfStream() throws(ResponseParseError) -> ParsedResponse? {
        guard try stream.finishAtEndOfStream() else { return nil }
        return finish(keepsConnection: false)
    }

    private mutating func finish(keepsConnection: Bool) -> ParsedResponse {
        let response = ParsedResponse(head: head ?? ResponseHead(status: 0), body: body, keepsConnection: keepsConnection)
        head = nil
        body = []
        return response
    }
}
