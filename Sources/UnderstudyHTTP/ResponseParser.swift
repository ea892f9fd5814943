/// Reads HTTP/1.1 responses incrementally from whatever bytes arrive: head, interim 1xx
/// responses skipped, body by Content-Length, chunked or until close. One parser per
/// connection, reset (`expect`) before each request; owned by that connection's loop.
public struct ResponseParser {
    /// What one `parse` call reached.
    public enum Outcome: Equatable, Sendable {
        case incomplete
        case complete(ParsedResponse)
    }

    private enum State {
        case head
        case body(ResponseHead, ResponseFraming)
    }

    public let headLimit: Int
    public let bodyLimit: Int
    private var requestMethod: String
    private var state = State.head
    private var headBytes: [UInt8] = []
    private var body: [UInt8] = []
    private var chunked: ChunkedDecoder

    public init(requestMethod: String = "GET", headLimit: Int = 64 * 1024, bodyLimit: Int = 16 * 1024 * 1024) {
        self.requestMethod = requestMethod
        self.headLimit = headLimit
        self.bodyLimit = bodyLimit
        chunked = ChunkedDecoder(limits: ParserLimits(headerBytes: headLimit, bodyBytes: bodyLimit))
    }

    /// True once any byte of the awaited response has arrived.
    public var hasStarted: Bool {
        if case .body = state { return true }
        return !headBytes.isEmpty
    }

    /// Gets ready for the response to a new request sent with `method`.
    public mutating func expect(requestMethod method: String) {
        requestMethod = method
        startOver()
    }

    private mutating func startOver() {
        state = .head
        headBytes.removeAll(keepingCapacity: true)
        body = []
        chunked = ChunkedDecoder(limits: ParserLimits(headerBytes: headLimit, bodyBytes: bodyLimit))
    }

    /// Consumes bytes up to the end of one response; bytes after it are left unconsumed.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(ResponseParseError) -> (consumed: Int, outcome: Outcome) {
        var offset = 0
        while true {
            switch state {
            case .head:
                guard let taken = try takeHead(UnsafeRawBufferPointer(rebasing: bytes[offset...])) else {
                    return (bytes.count, .incomplete)
                }
                offset += taken
                let head = try headBytes.withUnsafeBytes { raw in
                    Result { () throws(ResponseParseError) in try ResponseHeadParser().parse(raw) }
                }.get()
                headBytes.removeAll(keepingCapacity: true)
                if (100..<200).contains(head.status) && head.status != 101 { continue }   // interim: the final one follows
                let framing = head.status == 101 ? .none : try ResponseFraming.of(head, requestMethod: requestMethod)
                state = .body(head, framing)
            case .body(let head, let framing):
                switch framing {
                case .none:
                    return (offset, .complete(finish(head, keepsConnection: head.status != 101 && head.allowsReuse)))
                case .contentLength(let length):
                    let take = min(length - body.count, bytes.count - offset)
                    guard body.count + take <= bodyLimit else { throw .bodyTooLarge(limit: bodyLimit) }
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
                    offset += take
                    guard body.count == length else { return (offset, .incomplete) }
                    return (offset, .complete(finish(head, keepsConnection: head.allowsReuse)))
                case .chunked:
                    do {
                        offset += try chunked.decode(UnsafeRawBufferPointer(rebasing: bytes[offset...]), into: &body)
                    } catch .bodyTooLarge {
                        throw .bodyTooLarge(limit: bodyLimit)
                    } catch {
                        throw .malformedChunk
                    }
                    guard chunked.isDone else { return (offset, .incomplete) }
                    return (offset, .complete(finish(head, keepsConnection: head.allowsReuse)))
                case .untilClose:
                    guard body.count + (bytes.count - offset) <= bodyLimit else { throw .bodyTooLarge(limit: bodyLimit) }
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                    return (bytes.count, .incomplete)
                }
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
        switch state {
        case .head:
            if headBytes.isEmpty { return nil }
            throw .truncatedBody
        case .body(let head, .untilClose):
            return finish(head, keepsConnection: false)
        case .body:
            throw .truncatedBody
        }
    }

    private mutating func finish(_ head: ResponseHead, keepsConnection: Bool) -> ParsedResponse {
        let response = ParsedResponse(head: head, body: body, keepsConnection: keepsConnection)
        startOver()
        return response
    }

    /// Appends head bytes up to and including the blank line; returns how many bytes of
    /// `bytes` that took, or nil when the head goes on past them.
    private mutating func takeHead(_ bytes: UnsafeRawBufferPointer) throws(ResponseParseError) -> Int? {
        var index = 0
        while index < bytes.count {
            // Leading empty lines before a status line are ignored (RFC 9112 §2.2).
            let byte = bytes[index]
            index += 1
            if headBytes.isEmpty && (byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")) { continue }
            headBytes.append(byte)
            guard headBytes.count <= headLimit else { throw .headTooLarge(limit: headLimit) }
            if byte == UInt8(ascii: "\n") && endsWithBlankLine() { return index }
        }
        return nil
    }

    private func endsWithBlankLine() -> Bool {
        let count = headBytes.count
        if count >= 2 && headBytes[count - 2] == UInt8(ascii: "\n") { return true }
        return count >= 3 && headBytes[count - 2] == UInt8(ascii: "\r") && headBytes[count - 3] == UInt8(ascii: "\n")
    }
}
