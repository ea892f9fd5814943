import UnderstudyHTTP
import UnderstudyNet

/// One request and the way to answer it, handed to a route. It lives on its connection's
/// loop; a route answers at once, after a timer, or as a stream of chunks. Answers after
/// the connection died are dropped (the request is logged as 499).
public final class Exchange {
    public let request: HTTPRequest
    public let requestID: String
    public let connectionID: UInt64
    /// 1 for the first request on its connection.
    public let requestNumber: Int
    public let remoteAddress: String
    public let loop: EventLoop
    /// Monotonic ns when the request was complete.
    public let startedAt: UInt64
    /// Route template for metrics labels (bounded set): `/health`, `unmatched`, …
    public var route = "unmatched"
    /// The fault rule that fired on this request, if one did (access log `fault` field).
    public var fault: String?
    /// Set by the SQS API once it knows the request's protocol, so a fault rule's
    /// `sqs_error` answers in that protocol's shape.
    var sqsWire: SQSWire?
    /// `http` or `https`, as the client reached this plane.
    public var scheme: String { connection.map { $0.stream.isEncrypted ? "https" : $0.context.settings.scheme } ?? "http" }
    weak var connection: HTTPConnection?
    var pendingTimer: TimerHandle?
    var isAnswered = false
    /// A gateway's proxied answer: the target's head goes out as it came (no `Date`,
    /// `Server` or `X-Request-Id` of ours), and the access log gets the proxy's record.
    var isProxied = false
    /// The target's end-to-end fields as wire bytes, written after the answer's own
    /// headers while `isProxied` (so a proxied head is not rebuilt field by field).
    var forwardedFields: [UInt8] = []
    var proxyRecord: ProxyRecord?
    /// Runs once if the connection closes before the answer is complete (the client left,
    /// or the connection was reset).
    var onCancel: (() -> Void)?
    /// Runs when the connection's unsent output has drained (after `write` reported it
    /// above the backpressure mark).
    var onOutputDrained: (() -> Void)?
    /// A streamed request body is still arriving (planes that stream request bodies).
    var isReceivingBody = false
    /// How that body is framed, as the parser read the head (a proxy forwards it so).
    var streamedBodyFraming = BodyFraming.none
    /// Why a streamed body was abandoned (the client silent past the deadline: 408;
    /// malformed chunks: 400), set before the handler hears the cancel.
    var bodyRejection: RequestRejection?
    /// The handler cannot take more body now; bytes wait in the connection (backpressure).
    var isBodyPaused = false
    /// Each piece of a streamed request body, framing removed, then the end.
    var onBodyPart: (([UInt8]) -> Void)?
    var onBodyEnd: (() -> Void)?
    /// Set by a fault rule that lets the handler run but replaces its answer.
    var interception: ((Exchange) -> Void)? {
        didSet { isIntercepted = interception != nil }
    }
    /// `interception != nil`, as a plain flag for the hot path.
    private var isIntercepted = false

    init(request: HTTPRequest, requestID: String, connectionID: UInt64, requestNumber: Int,
         remoteAddress: String, loop: EventLoop, connection: HTTPConnection) {
        self.request = request
        self.requestID = requestID
        self.connectionID = connectionID
        self.requestNumber = requestNumber
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.startedAt = loop.now
        self.connection = connection
    }

    /// False once the client is gone; later answers are dropped.
    public var isConnected: Bool { connection != nil }

    /// Sends a complete response.
    public func respond(_ response: HTTPResponse) {
        guard !isAnswered else { return }
        isAnswered = true
        // A timer still armed (a long poll answered early) must not keep the exchange alive.
        if let pendingTimer { loop.cancel(pendingTimer) }
        pendingTimer = nil
        if isIntercepted, let interception { return intercepted(interception) }
        connection?.send(response, for: self)
    }

    private func intercepted(_ replacement: (Exchange) -> Void) {
        interception = nil
        replacement(self)
    }

    /// Sends an interim response (`103 Early Hints`, RFC 9110 §15.2) ahead of the final one:
    /// status line and `headers`, no body. Only for HTTP/1.1 requests (RFC 9110 §15.2 forbids
    /// 1xx to HTTP/1.0 clients), only before the final answer starts, and not while a fault
    /// rule replaces the answer; 101 is a final status, not accepted here. False when not sent.
    @discardableResult
    public func sendInformational(status: Int, headers: HTTPHeaders = HTTPHeaders()) -> Bool {
        guard (100..<200).contains(status), status != 101, !isAnswered, !isIntercepted,
              request.version == .http1_1, let connection else { return false }
        return connection.sendInformational(status: status, headers: headers, for: self)
    }

    /// Sends `response` after `delay`, on a timer: the connection counts as `delayed` meanwhile.
    public func respond(after delay: Duration, _ response: HTTPResponse) {
        guard delay != .zero else { return respond(response) }
        after(delay, countsAsDelayed: true) { $0.respond(response) }
    }

    /// Runs `body` after `delay` on this loop, unless the client has gone by then (the timer
    /// is cancelled when the connection closes). One pending timer per exchange: a new call
    /// replaces the last. `countsAsDelayed` shows the connection as `delayed` meanwhile.
    public func after(_ delay: Duration, countsAsDelayed: Bool = false, _ body: @escaping (Exchange) -> Void) {
        guard isConnected else { return }
        if let pendingTimer { loop.cancel(pendingTimer) }
        if countsAsDelayed { connection?.markDelayed() }
        pendingTimer = loop.schedule(after: delay) { [weak self] in
            guard let self, self.isConnected else { return }
            self.pendingTimer = nil
            body(self)
        }
    }

    /// Starts a streamed response: the head now, chunks later with `write`, then `finish`.
    /// Chunked, unless `headers` carry a `Content-Length` (then exactly that many bytes follow).
    public func startStream(status: Int, headers: HTTPHeaders) {
        guard !isAnswered else { return }
        isAnswered = true
        if isIntercepted, let interception { return intercepted(interception) }
        connection?.startStream(status: status, headers: headers, for: self)
    }

    /// Writes one chunk of a streamed response.
    public func write(_ bytes: [UInt8]) {
        connection?.streamChunk(bytes, for: self)
    }

    /// Ends a streamed response, with trailer fields if given (chunked responses only).
    public func finish(trailers: HTTPHeaders = HTTPHeaders()) {
        connection?.finishStream(trailers: trailers, for: self)
    }

    /// Called by the connection when it closes first: the pending answer is dropped.
    func cancel() {
        if let pendingTimer { loop.cancel(pendingTimer) }
        pendingTimer = nil
        connection = nil
        onOutputDrained = nil
        let onCancel = self.onCancel
        self.onCancel = nil
        onCancel?()   // it may ask whether the body was still arriving
        isReceivingBody = false
        onBodyPart = nil
        onBodyEnd = nil
    }

    /// Response bytes written but not yet taken by the socket.
    var pendingOutputBytes: Int {
        guard let connection, connection.current === self else { return 0 }
        return connection.outbound.count - connection.outboundOffset
    }

    /// The client's FIN ends the exchange (a proxy's client that gave up: ALB logs 460)
    /// instead of being read as a half-close that still wants the answer.
    func closesOnClientFinish() {
        guard let connection, connection.current === self else { return }
        if connection.peerFinished { return connection.close(.clientClose) }
        connection.isStalled = true
    }

    /// Stops taking body pieces until `resumeBody`; the connection holds the bytes, and
    /// the client's body deadline waits (it is not the client that is slow).
    func pauseBody() {
        guard !isBodyPaused else { return }
        isBodyPaused = true
        connection?.suspendBodyDeadline()
    }

    func resumeBody() {
        guard isBodyPaused else { return }
        isBodyPaused = false
        connection?.resumeBodyDeadline()
        connection?.processInbound()
    }

    /// Resets the client's connection: a proxied answer that broke after its head was sent,
    /// or an event stream whose subscriber fell too far behind.
    func abort(_ reason: CloseReason = .targetError) {
        guard let connection, connection.current === self else { return }
        connection.abortNow(reason)
    }
}

/// A plane's request handler: routes the exchange and answers it, now or later.
public typealias RequestHandler = (Exchange) -> Void
