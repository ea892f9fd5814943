import UnderstudyHTTP
import UnderstudyNet

/// One client connection to a target, owned by one `EventLoop` (only its thread touches
/// it): connects when a request needs it, runs one request (or connect-only check) at a
/// time under a deadline, reports each outcome, keeps the connection for the next request
/// when the response allows, and notices when the server closes it while idle.
final class HTTPClientConnection: EventHandler {
    enum State: Equatable {
        case closed
        case connecting
        /// Connected, request written or being written, response not complete.
        case exchanging
        /// Connected and free for the next request.
        case idle
    }

    let loop: EventLoop
    let address: SocketAddress
    private(set) var state = State.closed
    /// Connections this object has opened (one more each time it reconnects).
    private(set) var connectionsOpened = 0
    /// Called when the server closes (or resets) the connection while it is idle, with the
    /// monotonic time it was noticed.
    var onIdleClose: ((IdleClose, UInt64) -> Void)?

    private var stream: ByteStream?
    private var tcp: TCPStream?
    private var parser = ResponseParser()
    private var outgoing: [UInt8] = []
    private var written = 0
    private var isConnectOnly = false
    private var isReused = false
    private var startedAt: UInt64 = 0
    private var deadline: TimerHandle?
    private var completion: ((ClientOutcome) -> Void)?

    /// Speaks TLS over each connection when set (certificates not verified), naming
    /// `serverName` (SNI) if given.
    let tls: TLSContext?
    let serverName: String?

    init(loop: EventLoop, address: SocketAddress, tls: TLSContext? = nil, serverName: String? = nil) {
        self.loop = loop
        self.address = address
        self.tls = tls
        self.serverName = serverName
    }

    var isBusy: Bool { state == .connecting || state == .exchanging }

    /// Sends `request` (connecting first if needed) and calls `completion` once, on the loop,
    /// with the response or the failure; `timeout` covers connect, write and response.
    func send(_ request: ClientRequest, timeout: Duration, completion: @escaping (ClientOutcome) -> Void) {
        begin(timeout: timeout, connectOnly: false, completion: completion)
        outgoing = request.bytes
        written = 0
        parser.expect(requestMethod: request.method)
        if state == .idle {
            isReused = true
            state = .exchanging
            flush()
        } else {
            open()
        }
    }

    /// A TCP check: succeeds as soon as the handshake completes, sends nothing, then closes.
    func checkConnect(timeout: Duration, completion: @escaping (ClientOutcome) -> Void) {
        begin(timeout: timeout, connectOnly: true, completion: completion)
        if state == .idle {
            finish(.connected)
        } else {
            open()
        }
    }

    private func begin(timeout: Duration, connectOnly: Bool, completion: @escaping (ClientOutcome) -> Void) {
        loop.assertInLoop()
        precondition(!isBusy, "one exchange at a time on a client connection")
        self.completion = completion
        isConnectOnly = connectOnly
        isReused = false
        startedAt = EventLoop.monotonicNow()
        deadline = loop.schedule(after: timeout) { [self] in
            deadline = nil
            if isBusy { fail(.timeout) }
        }
    }

    /// Closes the connection from the client side (FIN); an exchange in progress is dropped
    /// without calling its completion.
    func close() {
        completion = nil
        if let deadline { loop.cancel(deadline) }
        deadline = nil
        closeSocket()
    }

    // MARK: Connecting

    private func open() {
        state = .connecting
        do {
            let (tcp, start) = try TCPStream.connect(to: address)
            self.tcp = tcp
            let stream: ByteStream = tls.map { TLSStream(connected: tcp, context: $0, serverName: serverName) } ?? tcp
            self.stream = stream
            connectionsOpened += 1
            try loop.register(self, fileDescriptor: stream.fileDescriptor, for: [.readable, .writable, .readHangup])
            if case .connected = start { connected() }
        } catch {
            closeSocket()
            fail(ClientFailure(errno: error.code))
        }
    }

    private func connected() {
        stream?.enableNoDelay()
        if isConnectOnly { return finish(.connected) }
        state = .exchanging
        flush()
    }

    // MARK: Events

    func handleEvents(_ readiness: Readiness) {
        switch state {
        case .closed:
            return
        case .connecting:
            guard let tcp else { return }
            let code = tcp.pendingConnectError
            if code != 0 { return fail(ClientFailure(errno: code)) }
            guard readiness.contains(.writable) else { return }
            connected()
            if state == .exchanging { readResponse() }
        case .exchanging:
            // A TLS handshake moves on reads as well as writes: any event may let the request go.
            if written < outgoing.count && (readiness.contains(.writable) || stream?.isHandshaking == true) { flush() }
            if state == .exchanging { readResponse() }
        case .idle:
            readWhileIdle()
        }
    }

    private func flush() {
        guard let stream else { return }
        while written < outgoing.count {
            let result = outgoing.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
            switch result {
            case .bytes(let count): written += count
            case .wouldBlock: return
            case .failed(let code): return fail(ClientFailure(errno: code))
            case .endOfStream: return fail(.closedBeforeResponse)
            }
        }
    }

    private func readResponse() {
        guard let stream else { return }
        while state == .exchanging {
            switch stream.read(into: loop.readBuffer) {
            case .bytes(let count):
                do {
                    let (consumed, outcome) = try parser.parse(UnsafeRawBufferPointer(rebasing: loop.readBuffer[..<count]))
                    if case .complete(let response) = outcome {
                        // Bytes past the response's end (a body longer than its Content-Length,
                        // an unasked-for response): the stream is out of step, so the
                        // connection is not reused, as a proxy's pool would drop it.
                        if consumed < count { closeSocket() }
                        return finish(.response(response))
                    }
                } catch {
                    return fail(.badResponse(error))
                }
            case .wouldBlock:
                return
            case .endOfStream:
                do {
                    guard let response = try parser.finishAtEndOfStream() else { return fail(.closedBeforeResponse) }
                    closeSocket()
                    return finish(.response(response))
                } catch {
                    return fail(.badResponse(error))
                }
            case .failed(let code):
                return fail(ClientFailure(errno: code))
            }
        }
    }

    /// Drains an idle connection: the server's close (FIN or RST) ends it; stray bytes (a
    /// 408 some servers send before closing) are dropped.
    private func readWhileIdle() {
        guard let stream else { return }
        while state == .idle {
            switch stream.read(into: loop.readBuffer) {
            case .bytes: continue
            case .wouldBlock: return
            case .endOfStream: return idleClosed(.endOfStream)
            case .failed: return idleClosed(.reset)
            }
        }
    }

    private func idleClosed(_ how: IdleClose) {
        let noticed = EventLoop.monotonicNow()
        closeSocket()
        onIdleClose?(how, noticed)
    }

    // MARK: Ending an exchange

    private func finish(_ result: ClientOutcome.Result) {
        let outcome = ClientOutcome(result: result, latencyNanoseconds: EventLoop.monotonicNow() &- startedAt,
                                    reusedConnection: isReused)
        if let deadline { loop.cancel(deadline) }
        deadline = nil
        if case .response(let response) = result, !response.keepsConnection { closeSocket() }
        if stream != nil { state = .idle }
        let completion = self.completion
        self.completion = nil
        completion?(outcome)
        // Bytes or a close that arrived with the response are already signalled (edge-triggered).
        if state == .idle { readWhileIdle() }
    }

    private func fail(_ failure: ClientFailure) {
        closeSocket()
        finish(.failed(failure))
    }

    private func closeSocket() {
        if let stream {
            loop.deregister(fileDescriptor: stream.fileDescriptor)
            stream.close()
        }
        stream = nil
        tcp = nil
        state = .closed
    }
}
