/// Reads HTTP/1.1 responses incrementally and hands the body on as it arrives, piece by
/// piece, without keeping it (a proxy streams it to its client): head, interim 1xx
/// responses skipped, body by Content-Length, chunked (framing removed) or until close.
/// One parser per connection, reset (`expect`) before each request; owned by its loop.
public struct ResponseStreamParser {
    /// What one `parse` call reached.
    public enum Event: Equatable, Sendable {
        case needMore
        /// The final head is complete; call `parse` again, with the bytes left or none,
        /// to read its body (a body-less response then completes at once).
        case head(ResponseHead)
        /// The response ended; bytes after it are left unconsumed.
        case complete(keepsConnection: Bool)
    }

    private enum State {
        case head
        case length(ResponseHead, remaining: Int)
        case chunked(ResponseHead, ChunkedDecoder)
        case untilClose
    }

    public let headLimit: Int
    /// Body bytes allowed in one response (`Int.max` when streaming).
    public let bodyLimit: Int
    private var requestMethod: String
    private var state = State.head
    private var headBytes: [UInt8] = []
    private var bodyBytes = 0
    private var chunkScratch: [UInt8] = []

    public init(requestMethod: String = "GET", headLimit: Int = 64 * 1024, bodyLimit: Int = .max) {
        self.requestMethod = requestMethod
        self.headLimit = headLimit
        self.bodyLimit = bodyLimit
    }

    /// True once any byte of the awaited response has arrived.
    public var hasStarted: Bool {
        if case .head = state { return !headBytes.isEmpty }
        return true
    }

    /// Gets ready for the response to a new request sent with `method`.
    public mutating func expect(requestMethod method: String) {
        requestMethod = method
        startOver()
    }

    private mutating func startOver() {
        state = .head
        headBytes.removeAll(keepingCapacity: true)
        bodyBytes = 0
    }

    /// Consumes bytes up to the next step; `body` receives each piece of body as it is read
    /// (valid only during the call).
    public mutating func parse(_ bytes: UnsafeRawBufferPointer,
                               body: (UnsafeRawBufferPointer) throws(ResponseParseError) -> Void) throws(ResponseParseError) -> (consumed: Int, event: Event) {
        var offset = 0
        while true {
            switch state {
            case .head:
                guard let taken = try takeHead(UnsafeRawBufferPointer(rebasing: bytes[offset...])) else {
                    return (bytes.count, .needMore)
                }
                offset += taken
                let head = try headBytes.withUnsafeBytes { raw in
                    Result { () throws(ResponseParseError) in try ResponseHeadParser().parse(raw) }
                }.get()
                headBytes.removeAll(keepingCapacity: true)
                if (100..<200).contains(head.status) && head.status != 101 { continue }   // interim: the final one follows
                switch head.status == 101 ? .none : try ResponseFraming.of(head, requestMethod: requestMethod) {
                case .none: state = .length(head, remaining: 0)
                case .contentLength(let length): state = .length(head, remaining: length)
                case .chunked:
                    state = .chunked(head, ChunkedDecoder(limits: ParserLimits(headerBytes: headLimit, bodyBytes: bodyLimit)))
                case .untilClose: state = .untilClose
                }
                return (offset, .head(head))
            case .length(let head, let remaining):
                let take = min(remaining, bytes.count - offset)
                if take > 0 {
                    try deliver(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]), to: body)
                    offset += take
                }
                guard take == remaining else {
                    state = .length(head, remaining: remaining - take)
                    return (offset, .needMore)
                }
                startOver()
                return (offset, .complete(keepsConnection: head.status != 101 && head.allowsReuse))
            case .chunked(let head, var decoder):
                do {
                    offset += try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[offset...]), into: &chunkScratch)
                } catch .bodyTooLarge {
                    throw .bodyTooLarge(limit: bodyLimit)
                } catch {
                    throw .malformedChunk
                }
                if !chunkScratch.isEmpty {
                    let piece = chunkScratch
                    chunkScratch.removeAll(keepingCapacity: true)
                    try piece.withUnsafeBytes { raw in
                        Result { () throws(ResponseParseError) in try deliver(raw, to: body) }
                    }.get()
                }
                guard decoder.isDone else {
                    state = .chunked(head, decoder)
                    return (offset, .needMore)
                }
                startOver()
                return (offset, .complete(keepsConnection: head.allowsReuse))
            case .untilClose:
                if offset < bytes.count { try deliver(UnsafeRawBufferPointer(rebasing: bytes[offset...]), to: body) }
                return (bytes.count, .needMore)
            }
        }
    }

    /// The server closed the connection: completes a body delimited by the close (true),
    /// says no byte of a response had come (false), or throws when one was cut short.
    public mutating func finishAtEndOfStream() throws(ResponseParseError) -> Bool {
        switch state {
        case .head:
            if headBytes.isEmpty { return false }
            throw .truncatedBody
        case .untilClose:
            startOver()
            return true
        case .length, .chunked:
            throw .truncatedBody
        }
    }

    private mutating func deliver(_ piece: UnsafeRawBufferPointer,
                                  to body: (UnsafeRawBufferPointer) throws(ResponseParseError) -> Void) throws(ResponseParseError) {
        bodyBytes += piece.count
        guard bodyBytes <= bodyLimit else { throw .bodyTooLarge(limit: bodyLimit) }
        try body(piece)
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
