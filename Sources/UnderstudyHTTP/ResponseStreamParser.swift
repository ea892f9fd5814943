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
    /// Heads are read for a proxy (see `ResponseHead.forwardedFields`).
    public let forwarding: Bool
    /// Body bytes allowed in one response (`Int.max` when streaming).
    public let bodyLimit: Int
    private var requestMethod: String
    private var state = State.head
    private var headBytes: [UInt8] = []
    private var bodyBytes = 0
    private var chunkScratch: [UInt8] = []

    public init(requestMethod: String = "GET", headLimit: Int = 64 * 1024, bodyLimit: Int = .max, forwarding: Bool = false) {
        self.requestMethod = requestMethod
        self.headLimit = headLimit
        self.bodyLimit = bodyLimit
        self.forwarding = forwarding
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
                guard let (taken, head) = try takeHead(UnsafeRawBufferPointer(rebasing: bytes[offset...])) else {
                    return (bytes.count, .needMore)
                }
                offset += taken
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

    /// Reads a head: parsed where it lies when the input holds all of it (the usual case),
    /// else kept until the rest arrives. Returns the bytes of `bytes` it took and the head,
    /// or nil when the head goes on past them (all taken).
    private mutating func takeHead(_ bytes: UnsafeRawBufferPointer) throws(ResponseParseError) -> (taken: Int, head: ResponseHead)? {
        if headBytes.isEmpty {
            // Leading empty lines before a status line are ignored (RFC 9112 §2.2).
            var start = 0
            while start < bytes.count && (bytes[start] == UInt8(ascii: "\r") || bytes[start] == UInt8(ascii: "\n")) { start += 1 }
            guard let end = Self.endOfHead(bytes, searchingFrom: start) else {
                guard bytes.count - start <= headLimit else { throw .headTooLarge(limit: headLimit) }
                headBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
                return nil
            }
            guard end - start <= headLimit else { throw .headTooLarge(limit: headLimit) }
            return (end, try ResponseHeadParser(forwarding: forwarding).parse(UnsafeRawBufferPointer(rebasing: bytes[start..<end])))
        }
        let previous = headBytes.count
        headBytes.append(contentsOf: bytes)
        let found = headBytes.withUnsafeBytes { Self.endOfHead($0, searchingFrom: max(previous - 3, 0)) }
        guard let end = found else {
            guard headBytes.count <= headLimit else { throw .headTooLarge(limit: headLimit) }
            return nil
        }
        guard end <= headLimit else { throw .headTooLarge(limit: headLimit) }
        let head = try headBytes.withUnsafeBytes { raw in
            Result { () throws(ResponseParseError) in try ResponseHeadParser(forwarding: forwarding).parse(UnsafeRawBufferPointer(rebasing: raw[..<end])) }
        }.get()
        headBytes.removeAll(keepingCapacity: true)
        return (end - previous, head)
    }

    /// Just past the blank line that ends a head (`LF LF` or `LF CR LF`), searching from `start`.
    private static func endOfHead(_ bytes: UnsafeRawBufferPointer, searchingFrom start: Int) -> Int? {
        var index = start
        while let lineFeed = ByteScan.firstIndex(of: UInt8(ascii: "\n"), in: bytes, index..<bytes.count) {
            if lineFeed + 1 < bytes.count && bytes[lineFeed + 1] == UInt8(ascii: "\n") { return lineFeed + 2 }
            if lineFeed + 2 < bytes.count && bytes[lineFeed + 1] == UInt8(ascii: "\r") && bytes[lineFeed + 2] == UInt8(ascii: "\n") {
                return lineFeed + 3
            }
            index = lineFeed + 1
        }
        return nil
    }
}
