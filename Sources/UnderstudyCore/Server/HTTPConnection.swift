import UnderstudyHTTP
import UnderstudyNet

/// One client connection on one loop: reads requests (pipelined requests are answered in
/// order, one at a time), hands each to the plane's handler, writes the answers, and keeps
/// the keep-alive, header, body and write deadlines. Idle, it holds no buffers: reads go
/// through the loop's scratch buffer and only an unfinished request's bytes are kept.
final class HTTPConnection: EventHandler {
    enum Phase { case awaitingRequest, readingRequest, processing, lingering, closed }
    enum DeadlineKind { case handshake, firstByte, keepAlive, header, body, write, linger }

    let id: UInt64
    let stream: ByteStream
    /// The loop context owns its connections and outlives them; `unowned(unsafe)` skips
    /// the reference-count check an `unowned` read costs on every request.
    unowned(unsafe) let context: LoopContext
    var loop: EventLoop { context.loop }

    var phase = Phase.awaitingRequest
    private(set) var state: ConnectionState?
    var parser: RequestParser
    /// Bytes received but not yet consumed by the parser.
    var inbound: [UInt8] = []
    /// Response bytes the socket has not taken yet.
    var outbound: [UInt8] = []
    var outboundOffset = 0
    var requestCount = 0
    var current: Exchange?
    var currentKeepAlive = true
    var currentIsHead = false
    var currentStatus = 0
    var currentStreaming = false
    var currentChunked = false
    /// Compresses the current streamed response (`compression:`); nil when it goes as it is.
    var currentDeflater: Deflater?
    var currentBytesOut = 0
    var bytesInSinceResponse = 0
    var peerFinished = false
    var readBlockedByBacklog = false
    var closeWhenFlushed = false
    var closeReason: CloseReason?
    /// True while `process` runs: answers given synchronously must not re-enter it.
    var isParsing = false
    var deadline: UInt64 = 0
    var deadlineKind = DeadlineKind.firstByte
    var armedTimer: (handle: TimerHandle, at: UInt64)?
    /// Fault-rule shaping of the current response (hold, trickle, truncate); nil for most.
    var shaping: OutputShaping?
    var shapingTimer: TimerHandle?
    /// A `stall` fault holds the request unanswered; the client's FIN then means it gave up.
    var isStalled = false
    /// Holds one of the plane's worker slots (prefork: from accept to close; event: for
    /// the current request), shown on the scoreboard as `slotState`.
    var holdsSlot = false
    var slotState: ConnectionState?
    /// Event model: the next request's bytes wait, unparsed, for a worker slot.
    var isWaitingForSlot = false
    /// Monotonic ns when the connection was adopted (for `maxConnectionAge`).
    var openedAt: UInt64 = 0
    /// Counted by the event model's accept limit until it closes or lingers.
    var countsTowardAcceptLimit = false

    /// Unconsumed bytes kept while a request is in progress; beyond this, reading pauses.
    static let inboundLimit = 1 << 20

    init(id: UInt64, stream: ByteStream, context: LoopContext) {
        self.id = id
        self.stream = stream
        self.context = context
        self.parser = RequestParser(limits: context.settings.limits, streamsBodies: context.settings.streamsRequestBodies)
    }

    func start() {
        openedAt = loop.now
        context.stats.connectionOpened()
        context.observer?.connectionOpened(self)
        move(to: .keepAliveIdle)
        setDeadline(stream.isHandshaking ? .handshake : .firstByte)
    }

    func move(to new: ConnectionState?) {
        context.stats.move(from: state, to: new)
        state = new
        // A lingering close still holds a prefork worker (Apache's "closing" slot state).
        if holdsSlot { setSlotState(new ?? (phase == .lingering ? .writing : nil)) }
    }

    // MARK: Reading

    func handleEvents(_ readiness: Readiness) {
        if readiness.contains(.writable) && outboundOffset < outbound.count { flushOutbound() }
        if !readiness.isDisjoint(with: [.readable, .hangup, .error, .readHangup]) {
            // With the peer's FIN pending, read on past a short read to see the end of stream.
            readAvailable(untilEnd: !readiness.isDisjoint(with: [.hangup, .error, .readHangup]))
        } else if readiness.contains(.writable) && stream.isHandshaking {
            readAvailable()   // a handshake that waited for the socket to take its bytes
        }
    }

    var hasPendingOutput: Bool { outboundOffset < outbound.count }

    /// Reads until the socket would block; a short read means it is drained (edge-triggered
    /// polling reports new data again) unless `untilEnd` asks to look for the end of stream.
    func readAvailable(untilEnd: Bool = true) {
        let buffer = loop.readBuffer
        while phase != .closed {
            if phase != .lingering && inbound.count >= Self.inboundLimit {
                readBlockedByBacklog = true
                return
            }
            let result = stream.read(into: buffer)
            // The TLS handshake is done: the wait for the request proper begins.
            if deadlineKind == .handshake && !stream.isHandshaking { setDeadline(.firstByte) }
            switch result {
            case .bytes(let count):
                bytesInSinceResponse += count
                if phase == .lingering { continue }
                if context.deadlinesAreIdle && deadline != 0 && (deadlineKind == .header || deadlineKind == .body) {
                    setDeadline(deadlineKind)
                }
                received(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if count < buffer.count && !untilEnd { return }
            case .endOfStream:
                peerFinished = true
                peerClosed()
                return
            case .wouldBlock:
                return
            case .failed:
                if let tls = stream as? TLSStream, tls.receivedPlainHTTP { return answerPlainHTTPOnTLSPort(tls) }
                close(stream.isEncrypted && (stream.isHandshaking || stream.tlsFailure != nil) ? .tlsError : .reset)
                return
            }
        }
    }

    /// A plain-HTTP request on a TLS port gets nginx's answer in plain HTTP (its 497, sent
    /// as 400), then a clean close: FIN, with the rest of the request read and dropped.
    private func answerPlainHTTPOnTLSPort(_ tls: TLSStream) {
        let body = "400 Bad Request: the plain HTTP request was sent to an HTTPS port\n"
        let answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body
        _ = Array(answer.utf8).withUnsafeBytes { tls.writeUnencrypted($0) }
        closeGracefully(.tlsError)
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        if current != nil || hasPendingOutput || !inbound.isEmpty || isParsing {
            inbound.append(contentsOf: bytes)
            processInbound()
            return
        }
        let consumed = process(bytes)
        if consumed < bytes.count && phase != .closed {
            inbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
        }
    }

    /// Parses what `inbound` holds, as far as the connection may go now; closes when the
    /// peer has finished sending and nothing more can complete.
    func processInbound() {
        if let exchange = current, exchange.isReceivingBody { return feedInboundBody() }
        guard !isParsing, current == nil, !hasPendingOutput, phase != .closed, phase != .lingering else { return }
        if !inbound.isEmpty {
            // Parse from a copy of the reference: handlers may replace `inbound` (a rejection
            // empties it) while the bytes are being read. The copy is gone before the trim.
            let consumed = { [inbound] in inbound.withUnsafeBytes { process($0) } }()
            if phase == .closed { return }
            if trimInbound(consumed) { return }
        }
        if peerFinished && current == nil && !hasPendingOutput && (phase == .awaitingRequest || phase == .readingRequest) {
            close(.clientClose)
        }
    }

    /// Drops `consumed` bytes from `inbound`, then resumes reading a backlog that fits again;
    /// true if it did (that read carries on from there).
    func trimInbound(_ consumed: Int) -> Bool {
        if consumed >= inbound.count {
            inbound = []
        } else if consumed > 0 {
            inbound.removeFirst(consumed)
        }
        guard readBlockedByBacklog && inbound.count < Self.inboundLimit else { return false }
        readBlockedByBacklog = false
        readAvailable()
        return true
    }

    private func beginRequest() {
        phase = .readingRequest
        move(to: .reading)
        setDeadline(.header)
    }

    /// Runs the parser over `bytes`, dispatching complete requests while each is answered
    /// synchronously; returns how many bytes were consumed.
    private func process(_ bytes: UnsafeRawBufferPointer) -> Int {
        isParsing = true
        defer { isParsing = false }
        var offset = 0
        while phase != .closed && phase != .lingering && current == nil && !hasPendingOutput {
            if phase == .awaitingRequest {
                guard offset < bytes.count else { return offset }
                if let pool = context.requestSlots, !holdsSlot, !mayStartRequest(pool) { return offset }
                beginRequest()
            }
            let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            offset += consumed
            switch event {
            case .needMore:
                if consumed == 0 || offset == bytes.count {
                    if !parser.isMidRequest && phase == .readingRequest {
                        phase = .awaitingRequest   // only blank lines so far: still between requests
                        move(to: .keepAliveIdle)
                        if context.requestSlots != nil && holdsSlot { releaseSlot() }
                    }
                    return offset
                }
            case .head(let head):
                if parser.isReadingBody {
                    setDeadline(.body)
                    // RFC 9110 §10.1.1: only HTTP/1.1 clients wait for 100 Continue.
                    if head.expectsContinue && head.version == .http1_1 && offset == bytes.count {
                        stream.enableNoDelay()
                        writeRaw("HTTP/1.1 100 Continue\r\n\r\n")
                    }
                    let framing = parser.pendingBody
                    if parser.streamsBodies && framing != .none {
                        dispatch(HTTPRequest(head: head), streamingBody: framing)
                        offset += feedBody(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                    }
                }
            case .body:
                break   // only while a streamed body is fed (`feedBody`)
            case .complete(let request):
                dispatch(request)
            case .rejected(let rejection):
                reject(rejection)
                return offset
            }
        }
        return offset
    }

    private func peerClosed() {
        switch phase {
        case .awaitingRequest, .readingRequest:
            // Nothing (complete) to answer: a quiet close, no response. A request waiting
            // for a worker slot is answered first (then `processInbound` closes).
            if current == nil && !hasPendingOutput && !isParsing && !isWaitingForSlot {
                close(.clientClose)
            }
        case .lingering:
            close(.clientClose)
        case .processing:
            // A half-closed client still gets its response; then we close. A stalled
            // request gets none: the FIN means the client gave up.
            if isStalled { close(.clientClose) }
        case .closed:
            break
        }
    }

    // MARK: Dispatch

    /// `streamingBody`: the body that follows the head, fed later (`feedBody`).
    private func dispatch(_ request: HTTPRequest, streamingBody: BodyFraming = .none) {
        requestCount += 1
        // A reused connection may carry a response while the last is unacknowledged (pipelining):
        // Nagle would hold it for the client's delayed ACK. One-request connections skip the call.
        if requestCount == 2 { stream.enableNoDelay() }
        phase = .processing
        move(to: .processing)
        clearDeadline()
        let settings = context.settings
        let wantsClose = request.headers.contains("Connection", token: "close")
        let wantsKeepAlive = request.version == .http1_1 || request.headers.contains("Connection", token: "keep-alive")
        currentKeepAlive = settings.keepAliveEnabled && !wantsClose && wantsKeepAlive
            && (settings.maxRequests == 0 || requestCount < settings.maxRequests)
            && !context.shared.isDraining
            && (context.maxConnectionAge == 0 || loop.now &- openedAt < context.maxConnectionAge)
        currentIsHead = request.method == "HEAD"
        currentBytesOut = 0
        currentStatus = 0
        currentDeflater = nil
        // A gzip or deflate body is decoded before the handler sees it (or refused).
        var request = request
        var refusal: HTTPResponse?
        if let policy = settings.compression, streamingBody == .none, !request.body.isEmpty,
           request.headers["Content-Encoding"] != nil {
            switch policy.decodedRequest(request) {
            case .decoded(let decoded): request = decoded
            case .refused(let answer): refusal = answer
            }
        }
        let requestID = request.headers["X-Request-Id"].flatMap(Self.acceptableRequestID) ?? context.makeRequestID()
        let exchange = Exchange(request: request, requestID: requestID, connectionID: id, requestNumber: requestCount,
                                remoteAddress: stream.peerAddress, loop: loop, connection: self)
        current = exchange
        if streamingBody != .none {
            exchange.isReceivingBody = true
            exchange.streamedBodyFraming = streamingBody
            setDeadline(.body)
        }
        if let refusal {
            exchange.route = "rejected"
            return exchange.respond(refusal)
        }
        context.handler(exchange)
    }

    /// A client-supplied request id is echoed if it is short, visible ASCII.
    private static func acceptableRequestID(_ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= 200,
              value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return value
    }

    func markDelayed() {
        if phase == .processing { move(to: .delayed) }
    }

    /// Answers a request the parser refused (or one that came too slowly: 408) with its
    /// one-line reason, then closes; logged as a request with method and path `-`.
    func reject(_ rejection: RequestRejection) {
        guard current == nil else { return }
        requestCount += 1
        currentKeepAlive = false
        currentIsHead = false
        currentBytesOut = 0
        let exchange = Exchange(request: HTTPRequest(head: RequestHead(method: "-", target: "-", version: .http1_1,
                                                                        headers: HTTPHeaders())),
                                requestID: context.makeRequestID(), connectionID: id, requestNumber: requestCount,
                                remoteAddress: stream.peerAddress, loop: loop, connection: self)
        exchange.route = "rejected"
        phase = .processing
        clearDeadline()
        current = exchange
        inbound = []
        closeWhenFlushed = true
        exchange.respond(.plainText(rejection.status, rejection.reason))
    }
}
