import UnderstudyHTTP
import UnderstudyNet

/// What a target connection tells the request it carries, on their loop.
protocol TargetConnectionDelegate: AnyObject {
    /// The request's last byte went into the socket.
    func targetReceivedRequest()
    /// The request body waiting for the socket passed the mark (`true`), or drained (`false`).
    func targetBackedUp(_ isBackedUp: Bool)
    func targetSentHead(_ head: ResponseHead)
    func targetSentBody(_ piece: UnsafeRawBufferPointer)
    /// Everything the target sent so far has been read (the socket would block).
    func targetReadDrained()
    func targetFinished()
    func targetFailed(_ failure: TargetFailure)
}

/// One keep-alive connection from the gateway to a target, owned by one loop's
/// `TargetPool`: connects (within the connect timeout), carries one request at a time,
/// streams the response to its delegate, and fails the exchange when no data moves for
/// the idle timeout. Between requests it sits in the pool unread: the gateway emulates a
/// target FIN still in flight when the connection is reused (on loopback it would arrive
/// at once), so it does not look for one first and the keep-alive race shows as a 502.
/// Reads go to the pool's buffer and happen only at the top of the loop (events, or the
/// pool's end-of-iteration pass), never inside another connection's handler.
final class TargetConnection: EventHandler {
    enum State { case connecting, exchanging, idle, closed }

    let targetID: UInt64
    let address: SocketAddress
    /// The pool owns its connections and outlives them; `unowned(unsafe)` skips the
    /// reference-count check an `unowned` read costs on every event.
    unowned(unsafe) let pool: TargetPool
    var loop: EventLoop { pool.loop }
    private(set) var state = State.closed
    /// Monotonic ns when it went back to the pool.
    private(set) var idleSince: UInt64 = 0
    /// The connection's byte stream: `tcp` itself, or TLS over it (`gateway.target_protocol: https`).
    private var stream: ByteStream?
    private var tcp: TCPStream?
    private var delegate: TargetConnectionDelegate?
    /// ALB: "The target response header exceeded 32 K for the entire response header": 502.
    private var parser = ResponseStreamParser(headLimit: 32 * 1024, forwarding: true)
    private var outgoing: [UInt8] = []
    private var written = 0
    /// The request's last byte has been handed over (a streamed body may follow the head).
    private var isRequestComplete = true
    private var isChunkedBody = false
    private var isBackedUp = false
    private var hasReportedRequest = false
    /// Input may wait whose readiness was already reported (edge-triggered polling will not
    /// report it again): the target signalled something (bytes, a FIN) while the connection
    /// sat in the pool or was connecting, or its last read filled the buffer. Cleared by the
    /// next read; until then a sent request is followed by a read of its own.
    private var sawEventWhileIdle = false
    /// Queued in the pool's end-of-iteration reads (once, however many flushes ask).
    var isReadQueued = false
    private var lastReadFilledBuffer = false
    /// Unsent request bytes beyond which the client's body is paused.
    static let backpressureMark = 256 * 1024
    private var keepsConnection = true
    private var isReadingPaused = false
    /// Last time data moved either way (monotonic ns); the idle deadline counts from it.
    private var lastActivity: UInt64 = 0
    private var connectDeadline: UInt64 = 0
    private var timer: (handle: TimerHandle, at: UInt64)?

    init(targetID: UInt64, address: SocketAddress, pool: TargetPool) {
        self.targetID = targetID
        self.address = address
        self.pool = pool
    }

    /// Sends one request (connecting first when new) and reports to `delegate` until the
    /// response ends or fails. With `bodyFollows`, the body comes through `sendBody` and
    /// `finishBody` (chunked on the wire when `chunked`).
    func send(_ request: [UInt8], method: String, delegate: TargetConnectionDelegate,
              bodyFollows: Bool = false, chunked: Bool = false) {
        self.delegate = delegate
        outgoing = request
        written = 0
        isRequestComplete = !bodyFollows
        isChunkedBody = chunked
        isBackedUp = false
        hasReportedRequest = false
        keepsConnection = true
        parser.expect(requestMethod: method)
        lastActivity = loop.now
        if state == .idle {
            state = .exchanging
            // Bytes the target sent while the connection sat in the pool (a 408 before its
            // close, a body longer than its length) would pass for this request's answer:
            // the connection is out of step, as a closed one is.
            // Asked only when the target signalled something meanwhile (a syscall per reuse otherwise).
            // (Under TLS the bytes are records: a close_notify counts, as the FIN it precedes.)
            if sawEventWhileIdle, let tcp, tcp.pendingByteCount > 0 { return fail(.closed) }
            armTimer(at: lastActivity &+ pool.idleTimeout)
            flush()
        } else {
            open()
        }
    }

    // MARK: Connecting

    private func open() {
        state = .connecting
        connectDeadline = loop.now &+ pool.connectTimeout
        do {
            let (tcp, start) = try TCPStream.connect(to: address)
            self.tcp = tcp
            // ALB does not verify target certificates; SNI names the target when it is a name.
            let stream: ByteStream = pool.targetTLS.map { TLSStream(connected: tcp, context: $0, serverName: nil) } ?? tcp
            self.stream = stream
            try loop.register(self, fileDescriptor: stream.fileDescriptor, for: [.readable, .writable, .readHangup])
            armTimer(at: connectDeadline)
            if case .connected = start { connected() }
        } catch {
            fail(.connectFailed(errno: error.code))
        }
    }

    private func connected() {
        stream?.enableNoDelay()
        state = .exchanging
        lastActivity = loop.now
        armTimer(at: lastActivity &+ pool.idleTimeout)
        flush()
    }

    // MARK: Events

    func handleEvents(_ readiness: Readiness) {
        switch state {
        case .closed:
            return
        case .idle:
            // Not read until the next request is sent (see the type's comment).
            if !readiness.isDisjoint(with: [.readable, .hangup, .error, .readHangup]) { sawEventWhileIdle = true }
        case .connecting:
            guard let tcp else { return }
            let code = tcp.pendingConnectError
            if code != 0 { return fail(.connectFailed(errno: code)) }
            if !readiness.isDisjoint(with: [.readable, .hangup, .error, .readHangup]) { sawEventWhileIdle = true }
            guard readiness.contains(.writable) else { return }
            connected()
        case .exchanging:
            // A TLS handshake moves on reads as well as writes: any event may let the request go.
            if written < outgoing.count && (readiness.contains(.writable) || stream?.isHandshaking == true) { flush() }
            if state == .exchanging && !readiness.isDisjoint(with: [.readable, .hangup, .error, .readHangup]) { readResponse() }
        }
    }

    /// One piece of a streamed request body.
    func sendBody(_ piece: [UInt8]) {
        guard state != .closed, !isRequestComplete, !piece.isEmpty else { return }
        if isChunkedBody {
            outgoing.append(contentsOf: Array(String(piece.count, radix: 16).utf8))
            outgoing.append(contentsOf: [13, 10])
            outgoing.append(contentsOf: piece)
            outgoing.append(contentsOf: [13, 10])
        } else {
            outgoing.append(contentsOf: piece)
        }
        if state == .exchanging { flush() }
        if !isBackedUp && outgoing.count - written > Self.backpressureMark {
            isBackedUp = true
            delegate?.targetBackedUp(true)
        }
    }

    /// The streamed body's end.
    func finishBody() {
        guard state != .closed, !isRequestComplete else { return }
        if isChunkedBody { outgoing.append(contentsOf: Array("0\r\n\r\n".utf8)) }
        isRequestComplete = true
        if state == .exchanging { flush() }
    }

    private func flush() {
        guard let stream else { return }
        while written < outgoing.count {
            let result = outgoing.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
            switch result {
            case .bytes(let count):
                written += count
                lastActivity = loop.now
            case .wouldBlock:
                return
            case .failed(let code):
                return fail(.reset(errno: code))
            case .endOfStream:
                return fail(.closed)
            }
        }
        outgoing.removeAll(keepingCapacity: outgoing.count <= 64 * 1024)
        written = 0
        if isBackedUp {
            isBackedUp = false
            delegate?.targetBackedUp(false)
        }
        if isRequestComplete && !hasReportedRequest {
            hasReportedRequest = true
            delegate?.targetReceivedRequest()
        }
        // Whatever the target sent while the connection was idle (its FIN on a reused
        // connection among it) raises no new event: it is read at the end of this loop
        // iteration, outside the caller's stack. Anything arriving later does raise one.
        if state == .exchanging && sawEventWhileIdle { pool.readLater(self) }
    }

    /// Stops reading the response while the client is slow to take it (backpressure).
    func pauseReading() { isReadingPaused = true }

    /// The client took the backlog: reading resumes at the end of this loop iteration, and
    /// the time paused does not count as the target's idleness.
    func resumeReading() {
        guard isReadingPaused else { return }
        isReadingPaused = false
        lastActivity = loop.now
        if state == .exchanging { pool.readLater(self) }
    }

    /// Reads what the target sent; called at the top of the loop only (see the type's comment).
    func readResponse() {
        guard let stream else { return }
        let buffer = pool.readBuffer
        sawEventWhileIdle = false
        while state == .exchanging && !isReadingPaused {
            switch stream.read(into: buffer) {
            case .bytes(let count):
                lastActivity = loop.now
                lastReadFilledBuffer = count == buffer.count
                consume(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            case .wouldBlock:
                delegate?.targetReadDrained()
                return
            case .endOfStream:
                do {
                    if try parser.finishAtEndOfStream() {
                        keepsConnection = false
                        return finishExchange()
                    }
                    return fail(.closed)
                } catch {
                    return fail(.closed)   // cut short inside the head or body
                }
            case .failed(let code):
                return fail(.reset(errno: code))
            }
        }
    }

    private func consume(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while state == .exchanging {
            do {
                let (consumed, event) = try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...])) { piece in
                    delegate?.targetSentBody(piece)
                }
                offset += consumed
                // A delegate call may have ended the exchange (the client left meanwhile).
                guard state == .exchanging else { return }
                switch event {
                case .needMore:
                    return
                case .head(let head):
                    delegate?.targetSentHead(head)
                case .complete(let keeps):
                    // Bytes past the response's end, or a request not all sent (the target
                    // answered early): the stream is out of step, never reused.
                    keepsConnection = keeps && offset == bytes.count && isRequestComplete && written == outgoing.count
                    return finishExchange()
                }
            } catch .truncatedBody {
                return fail(.closed)
            } catch {
                return fail(.malformed(error.description))
            }
        }
    }

    // MARK: Timers

    private func armTimer(at deadline: UInt64) {
        if let timer {
            if timer.at <= deadline { return }
            loop.cancel(timer.handle)
        }
        let handle = loop.schedule(at: deadline) { [weak self] in self?.timerFired() }
        timer = (handle, deadline)
    }

    private func timerFired() {
        timer = nil
        switch state {
        case .connecting:
            if loop.now >= connectDeadline { return fail(.connectTimeout) }
            armTimer(at: connectDeadline)
        case .exchanging:
            // ALB: "If no data has been sent or received by the time that the idle timeout
            // period elapses, the load balancer closes the connection." Paused for a slow
            // client, the target is not idle: the client side's write deadline covers that.
            let due = lastActivity &+ pool.idleTimeout
            if loop.now >= due && !isReadingPaused { return fail(.idleTimeout) }
            if isReadingPaused { lastActivity = loop.now }
            armTimer(at: due)
        case .idle, .closed:
            return
        }
    }

    // MARK: Ending

    private func finishExchange() {
        let delegate = self.delegate
        self.delegate = nil
        if keepsConnection && stream != nil && pool.mayKeep(self) {
            state = .idle
            idleSince = loop.now
            // Edge-triggered: bytes already queued behind a full read raise no new event.
            sawEventWhileIdle = lastReadFilledBuffer
            isReadingPaused = false
            pool.checkIn(self)
        } else {
            close()
        }
        delegate?.targetFinished()
    }

    /// Fails the exchange in progress (if any) and closes.
    func fail(_ failure: TargetFailure) {
        let delegate = self.delegate
        self.delegate = nil
        close()
        delegate?.targetFailed(failure)
    }

    /// Closes without telling anyone (the request it carried was abandoned, or it idled out).
    func close() {
        guard state != .closed || stream != nil else { return }
        state = .closed
        if let timer { loop.cancel(timer.handle) }
        timer = nil
        delegate = nil
        if let stream {
            loop.deregister(fileDescriptor: stream.fileDescriptor)
            stream.close()
        }
        stream = nil
        tcp = nil
        pool.forget(self)
    }
}
