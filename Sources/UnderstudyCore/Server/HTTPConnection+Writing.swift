import UnderstudyHTTP
import UnderstudyNet

/// Writing answers: framing headers, the shared scratch buffer for the common case of a
/// response the socket takes whole, and what happens once a response is fully written.
extension HTTPConnection {
    func send(_ response: HTTPResponse, for exchange: Exchange) {
        guard exchange === current, phase != .closed else { return }
        // Answered before its streamed body ended: the rest is not read, so the connection closes.
        if exchange.isReceivingBody { currentKeepAlive = false }
        if state == .delayed { move(to: .processing) }
        currentStatus = response.status
        let response = context.settings.compression.map { $0.encode(response, for: exchange.request) } ?? response
        let forbidsBody = HTTPStatus.forbidsBody(response.status)
        let buffer = takeScratch()
        appendHead(status: response.status, headers: response.headers, requestID: exchange.requestID,
                   contentLength: forbidsBody ? nil : response.body.count, proxied: exchange.isProxied ? exchange.forwardedFields : nil, into: buffer)
        if !forbidsBody && !currentIsHead { buffer.append(response.body) }
        write(buffer.bytes)
        // Shaped output completes in `pumpShaped`, perhaps already (then `current` moved on).
        guard exchange === current, phase != .closed, shaping == nil else { return }
        if outboundOffset >= outbound.count { responseWritten() } else { move(to: .writing) }
    }

    func startStream(status: Int, headers: HTTPHeaders, for exchange: Exchange) {
        guard exchange === current, phase != .closed else { return }
        if exchange.isReceivingBody { currentKeepAlive = false }
        if state == .delayed { move(to: .processing) }
        currentStatus = status
        currentStreaming = true
        stream.enableNoDelay()   // chunks go out one by one, not one per round trip
        var headers = headers
        // A route that knows the length up front (`/drip`) streams a Content-Length body.
        var length = headers["Content-Length"].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
        // Compressed, it streams chunked: the compressed length is not known up front.
        if let policy = context.settings.compression,
           let coding = policy.coding(for: exchange.request, status: status, headers: &headers, length: length) {
            currentDeflater = policy.deflater(for: coding)
            if currentDeflater == nil { headers.remove("Content-Encoding") }
            length = nil
        }
        // 1xx, 204 and 304 have no body, hence no framing (RFC 9112 §6.3).
        if length == nil && !HTTPStatus.forbidsBody(status) {
            headers.remove("Content-Length")
            if exchange.request.version == .http1_1 {
                headers.set("Transfer-Encoding", "chunked")
                currentChunked = true
            } else {
                currentKeepAlive = false   // HTTP/1.0: the body ends when the connection does
            }
        }
        let buffer = takeScratch()
        appendHead(status: status, headers: headers, requestID: exchange.requestID,
                   contentLength: HTTPStatus.forbidsBody(status) ? nil : length, proxied: exchange.isProxied ? exchange.forwardedFields : nil, into: buffer)
        write(buffer.bytes)
        if currentIsHead { finishStream(for: exchange) }
    }

    func streamChunk(_ bytes: [UInt8], for exchange: Exchange) {
        guard exchange === current, phase != .closed, currentStreaming, !currentIsHead, !bytes.isEmpty else { return }
        var bytes = bytes
        if let deflater = currentDeflater {
            bytes = bytes.withUnsafeBytes { deflater.compress($0) }
            if bytes.isEmpty { return }
        }
        guard currentChunked else { return bytes.withUnsafeBytes { write($0) } }
        let buffer = takeScratch()
        bytes.withUnsafeBytes { ResponseSerializer.writeChunk($0, into: buffer) }
        write(buffer.bytes)
    }

    func finishStream(trailers: HTTPHeaders = HTTPHeaders(), for exchange: Exchange) {
        guard exchange === current, phase != .closed, currentStreaming else { return }
        currentStreaming = false
        if let deflater = currentDeflater {
            currentDeflater = nil
            // The compressed stream's end goes out as one more chunk (or the body's last bytes).
            let tail = deflater.finish()
            if !currentIsHead && !tail.isEmpty {
                if currentChunked {
                    let buffer = takeScratch()
                    tail.withUnsafeBytes { ResponseSerializer.writeChunk($0, into: buffer) }
                    write(buffer.bytes)
                } else {
                    tail.withUnsafeBytes { write($0) }
                }
            }
        }
        if currentChunked && !currentIsHead {
            let buffer = takeScratch()
            ResponseSerializer.writeLastChunk(trailers: trailers, into: buffer)
            write(buffer.bytes)
        }
        currentChunked = false
        guard exchange === current, phase != .closed else { return }
        if shaping != nil { return pumpShaped() }   // completes once the shaped bytes are out
        if outboundOffset >= outbound.count { responseWritten() } else { move(to: .writing) }
    }

    /// An interim 1xx head before `exchange`'s final response, through the same write path
    /// (backpressure, shaping); framing fields are left out, as Go leaves them out.
    func sendInformational(status: Int, headers: HTTPHeaders, for exchange: Exchange) -> Bool {
        guard exchange === current, phase != .closed, !currentStreaming else { return false }
        let buffer = takeScratch()
        ResponseSerializer.writeStatusLine(status: status, into: buffer)
        for field in headers where !field.name.equalsIgnoringASCIICase("Content-Length")
            && !field.name.equalsIgnoringASCIICase("Transfer-Encoding") {
            ResponseSerializer.appendField(field.name, field.value, to: buffer)
        }
        buffer.append("\r\n")
        write(buffer.bytes)
        return true
    }

    /// Bytes outside any response (`100 Continue`).
    func writeRaw(_ bytes: StaticString) {
        bytes.withUTF8Buffer { write(UnsafeRawBufferPointer($0)) }
    }

    /// Status line, our fields (`Date`, `Server`, `X-Request-Id`; not on a proxied answer,
    /// which carries the target's), the route's fields (a `Content-Length` among them is
    /// replaced by the real one), framing, `Connection`.
    private func appendHead(status: Int, headers: HTTPHeaders, requestID: String, contentLength: Int?,
                            proxied forwardedFields: [UInt8]?, into buffer: ByteBuffer) {
        ResponseSerializer.writeStatusLine(status: status, into: buffer)
        if forwardedFields == nil {
            ResponseSerializer.appendField("Date", context.httpDate, to: buffer)
            buffer.append("Server: understudy\r\n")
            ResponseSerializer.appendField("X-Request-Id", requestID, to: buffer)
        }
        for field in headers where !field.name.equalsIgnoringASCIICase("Content-Length") {
            ResponseSerializer.appendField(field.name, field.value, to: buffer)
        }
        if let forwardedFields { forwardedFields.withUnsafeBytes { buffer.append($0) } }
        if let contentLength {
            buffer.append("Content-Length: ")
            buffer.appendDecimal(contentLength)
            buffer.append("\r\n")
        }
        if !currentKeepAlive {
            buffer.append("Connection: close\r\n")
        } else if current?.request.version == .http1_0 {
            buffer.append("Connection: keep-alive\r\n")
        }
        buffer.append("\r\n")
    }

    /// The loop's output scratch, emptied: every response is serialized there, then
    /// written at once; only what the socket does not take is copied out.
    private func takeScratch() -> ByteBuffer {
        let buffer = context.outputScratch
        buffer.removeAll()
        return buffer
    }

    /// Writes now what the socket takes; keeps the rest for `flushOutbound`.
    private func write(_ bytes: UnsafeRawBufferPointer) {
        currentBytesOut += bytes.count
        if shaping != nil {
            outbound.append(contentsOf: bytes)
            return pumpShaped()
        }
        if outboundOffset < outbound.count {
            outbound.append(contentsOf: bytes)
            return
        }
        var written = 0
        while written < bytes.count {
            switch stream.write(UnsafeRawBufferPointer(rebasing: bytes[written...])) {
            case .bytes(let count):
                written += count
            case .wouldBlock, .endOfStream:
                outbound = Array(bytes[written...])
                outboundOffset = 0
                setDeadline(.write)
                return
            case .failed:
                close(.reset)
                return
            }
        }
    }

    /// Called when the socket may take more of `outbound`.
    func flushOutbound() {
        if shaping != nil { return pumpShaped() }
        while outboundOffset < outbound.count {
            let result = outbound.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[outboundOffset...])) }
            switch result {
            case .bytes(let count):
                outboundOffset += count
                setDeadline(.write)
            case .wouldBlock, .endOfStream:
                return
            case .failed:
                close(.reset)
                return
            }
        }
        outbound = []
        outboundOffset = 0
        if deadlineKind == .write { clearDeadline() }
        if let drained = current?.onOutputDrained {
            current?.onOutputDrained = nil
            drained()
            // What it wrote (the rest of a proxied answer) may be waiting for the socket again.
            if phase == .closed || outboundOffset < outbound.count { return }
        }
        if current != nil && !currentStreaming && current?.isAnswered == true { responseWritten() }
    }

    /// The current response is fully on the wire: log it, then close or wait for the next request.
    func responseWritten() {
        guard let exchange = current else { return }
        current = nil
        endShaping()
        // A streamed body still arriving is read and dropped while the connection lingers.
        let bodyUnread = exchange.isReceivingBody
        if bodyUnread {
            exchange.isReceivingBody = false
            exchange.onBodyPart = nil
            exchange.onBodyEnd = nil
        }
        report(exchange, status: currentStatus)
        // Event model: the worker is free once the response is written (PRODUCT.md). While
        // requests still wait for one, this connection is closed if it goes keep-alive idle
        // (checked once the current read is processed), as Apache's event MPM closes its
        // keep-alive queue while every worker is busy.
        if holdsSlot && context.requestSlots != nil && releaseSlot() && currentKeepAlive {
            let connection = LoopBound(Weak(self), on: loop)
            loop.execute { connection.value.object?.closeIfKeepAliveIdle() }
        }
        if closeWhenFlushed { return closeGracefully(.rejected) }
        if !currentKeepAlive {
            let reason: CloseReason = context.shared.isDraining ? .draining
                : (context.settings.maxRequests > 0 && requestCount >= context.settings.maxRequests) ? .maxRequests : .serverClose
            // Nothing unread is known: close at once, as nginx does. With request bytes
            // pending, linger so they do not turn the close into a reset. A prefork worker
            // always lingers, holding its slot, as Apache's does (ap_lingering_close).
            return inbound.isEmpty && !readBlockedByBacklog && !holdsPreforkSlot && !bodyUnread ? close(reason) : closeGracefully(reason)
        }
        phase = .awaitingRequest
        move(to: .keepAliveIdle)
        setDeadline(.keepAlive)
        processInbound()   // pipelined requests already received, or a peer that finished
    }

    func report(_ exchange: Exchange, status: Int) {
        let bytesIn = bytesInSinceResponse
        bytesInSinceResponse = 0
        context.stats.requestServed(received: bytesIn, sent: currentBytesOut)
        guard let observer = context.observer else { return }
        observer.requestCompleted(CompletedRequest(
            plane: context.settings.plane, requestID: exchange.requestID, connectionID: id,
            requestNumber: exchange.requestNumber, method: exchange.request.method, path: String(exchange.request.path),
            route: exchange.route, fault: exchange.fault, status: status, bytesIn: bytesIn, bytesOut: currentBytesOut,
            durationNanoseconds: EventLoop.monotonicNow() &- exchange.startedAt, remoteAddress: exchange.remoteAddress,
            proxy: exchange.proxyRecord))
    }
}
