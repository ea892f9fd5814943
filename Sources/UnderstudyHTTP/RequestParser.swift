/// An incremental HTTP/1.1 request parser (RFC 9112). Feed it whatever bytes arrived —
/// split anywhere, several pipelined requests at once — and it reports one step at a time.
/// It keeps no copy of the head: until the head is complete it consumes nothing, and the
/// caller keeps the bytes (it remembers how far it scanned, so a slow head costs O(n)).
public struct RequestParser {
    /// What one call to `parse` found.
    public enum Event: Equatable {
        /// Everything consumed so far is accounted for; call again with more bytes.
        case needMore
        /// The head is complete; the body (if any) follows. Useful for `100 Continue`.
        case head(RequestHead)
        /// Body bytes as they arrive (framing removed), when the parser streams bodies;
        /// `.complete` follows the last of them, with an empty body.
        case body([UInt8])
        /// A whole request; the parser is ready for the next one.
        case complete(HTTPRequest)
        /// Unrecoverable; answer `rejection.status` and close.
        case rejected(RequestRejection)
    }

    private enum State {
        case head
        case body(RequestHead, remaining: Int)
        case chunked(RequestHead, ChunkedDecoder)
        case headDone(RequestHead)
    }

    public let limits: ParserLimits
    /// Hands body bytes out as `.body` events instead of collecting them (a proxy forwards
    /// them as they come); the body limit then does not apply.
    public let streamsBodies: Bool
    private var state = State.head
    private var scanned = 0
    private var requestLineEnd: Int?
    private var body: [UInt8] = []

    public init(limits: ParserLimits = ParserLimits(), streamsBodies: Bool = false) {
        self.limits = limits
        self.streamsBodies = streamsBodies
    }

    /// True once a request has begun (some byte of it was seen) and until it completes.
    public var isMidRequest: Bool {
        if case .head = state { return scanned > 0 }
        return true
    }

    /// The framing of the body still to come after a head (`.none` when it has none): what
    /// a proxy forwards it in.
    public var pendingBody: BodyFraming {
        switch state {
        case .body(_, let remaining): .contentLength(remaining)
        case .chunked: .chunked
        case .head, .headDone: .none
        }
    }

    /// True while reading a body (the head is done).
    public var isReadingBody: Bool {
        if case .head = state { return false }
        return true
    }

    /// Parses from the start of `bytes`, which must begin with the bytes not yet consumed.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> (consumed: Int, event: Event) {
        do {
            switch state {
            case .head:
                return try parseHead(bytes)
            case .headDone(let head):
                state = .head
                return (0, .complete(HTTPRequest(head: head)))
            case .body(let head, let remaining):
                let take = min(remaining, bytes.count)
                if streamsBodies {
                    if take == 0 { return (0, .needMore) }
                    state = take == remaining ? .headDone(head) : .body(head, remaining: remaining - take)
                    return (take, .body(Array(UnsafeRawBufferPointer(rebasing: bytes[0..<take]))))
                }
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
                if take == remaining { return (take, finish(head)) }
                state = .body(head, remaining: remaining - take)
                return (take, .needMore)
            case .chunked(let head, var decoder):
                let taken = try decoder.decode(bytes, into: &body)
                if streamsBodies {
                    if decoder.isDone && body.isEmpty { return (taken, finish(head)) }
                    state = decoder.isDone ? .headDone(head) : .chunked(head, decoder)
                    guard !body.isEmpty else { return (taken, .needMore) }
                    defer { body = [] }
                    return (taken, .body(body))
                }
                if decoder.isDone { return (taken, finish(head)) }
                state = .chunked(head, decoder)
                return (taken, .needMore)
            }
        } catch {
            return (0, .rejected(error))
        }
    }

    private mutating func finish(_ head: RequestHead) -> Event {
        let request = HTTPRequest(head: head, body: body)
        body = []
        state = .head
        return .complete(request)
    }

    private mutating func parseHead(_ bytes: UnsafeRawBufferPointer) throws(RequestRejection) -> (consumed: Int, event: Event) {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        if requestLineEnd == nil && scanned == 0 {
            var skip = 0
            while skip < bytes.count {
                if bytes[skip] == UInt8(ascii: "\n") { skip += 1 }
                else if bytes[skip] == UInt8(ascii: "\r"), skip + 1 < bytes.count, bytes[skip + 1] == UInt8(ascii: "\n") { skip += 2 }
                else { break }
            }
            if skip > 0 { return (skip, .needMore) }
            // A lone CR may be the start of an empty line: wait for its LF before deciding.
            if bytes.count == 1 && bytes[0] == UInt8(ascii: "\r") { return (0, .needMore) }
        }
        if requestLineEnd == nil {
            let searchLimit = min(bytes.count, limits.requestLine + 1)
            if let lf = ByteScan.firstIndex(of: UInt8(ascii: "\n"), in: bytes, 0..<searchLimit) {
                requestLineEnd = lf
            } else if bytes.count > limits.requestLine {
                throw .requestLineTooLong(limit: limits.requestLine)
            }
        }
        guard let lineEnd = requestLineEnd else {
            scanned = bytes.count
            return (0, .needMore)
        }
        guard let end = findHeadEnd(bytes, from: max(lineEnd, scanned - 3)) else {
            if bytes.count - lineEnd > limits.headerBytes { throw .headerTooLarge(limit: limits.headerBytes) }
            scanned = max(bytes.count, 1)
            return (0, .needMore)
        }
        if end - lineEnd - 1 > limits.headerBytes { throw .headerTooLarge(limit: limits.headerBytes) }
        let head = try RequestHeadParser(limits: limits).parse(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
        scanned = 0
        requestLineEnd = nil
        // Streamed bodies are not held, so their size is not limited here.
        let bodyLimits = streamsBodies ? ParserLimits(requestLine: limits.requestLine, headerBytes: limits.headerBytes,
                                                      headerFields: limits.headerFields, bodyBytes: .max / 2) : limits
        switch try BodyFraming.of(head, limits: bodyLimits) {
        case .none: state = .headDone(head)
        case .contentLength(let length): state = .body(head, remaining: length)
        case .chunked: state = .chunked(head, ChunkedDecoder(limits: bodyLimits))
        }
        return (end, .head(head))
    }

    /// Index just past the blank line ending the head (`\n\n` or `\n\r\n`), if present.
    private func findHeadEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = max(start, 0)
        while index < bytes.count {
            guard let lf = ByteScan.firstIndex(of: UInt8(ascii: "\n"), in: bytes, index..<bytes.count) else { return nil }
            if lf + 1 < bytes.count, bytes[lf + 1] == UInt8(ascii: "\n") { return lf + 2 }
            if lf + 2 < bytes.count, bytes[lf + 1] == UInt8(ascii: "\r"), bytes[lf + 2] == UInt8(ascii: "\n") { return lf + 3 }
            index = lf + 1
        }
        return nil
    }
}
