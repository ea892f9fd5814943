#if canImport(Glibc)
import Glibc
#endif
import CSSL

/// HTTP's byte stream over TLS: OpenSSL reads and writes the TCP socket itself, without
/// blocking; the handshake runs inside the first reads on the event loop (no thread per
/// handshake), and `wouldBlock` means "wait for the socket's readiness" as for plain TCP.
/// A reset is a TCP reset, as without TLS. Owned by one loop.
public final class TLSStream: ByteStream {
    private let tcp: TCPStream
    private let ssl: OpaquePointer
    /// The handshake has not finished yet (reads drive it).
    public private(set) var isHandshaking = true
    /// OpenSSL's reason when the handshake or a record failed (for logs and tests).
    public private(set) var tlsFailure: String?
    /// The client spoke plain HTTP to this TLS port.
    public private(set) var receivedPlainHTTP = false

    /// Wraps an accepted connection as the server side.
    public init(accepted tcp: TCPStream, context: TLSContext) {
        self.tcp = tcp
        ssl = SSL_new(context.context)
        SSL_set_fd(ssl, tcp.fileDescriptor)
        SSL_set_accept_state(ssl)
    }

    /// Wraps an outgoing connection as the client side (`serverName` for SNI, if a name).
    public init(connected tcp: TCPStream, context: TLSContext, serverName: String?) {
        self.tcp = tcp
        ssl = SSL_new(context.context)
        SSL_set_fd(ssl, tcp.fileDescriptor)
        SSL_set_connect_state(ssl)
        // SSL_set_tlsext_host_name is a macro over SSL_ctrl.
        if let serverName { _ = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: serverName)) }
    }

    deinit {
        SSL_free(ssl)
    }

    public var fileDescriptor: Int32 { tcp.fileDescriptor }
    public var peerAddress: String { tcp.peerAddress }
    public var isEncrypted: Bool { true }

    /// Reads decrypted bytes until `buffer` is full or the socket has nothing more, so a
    /// short read means the socket is drained (edge-triggered polling reports new data),
    /// as it does for plain TCP: OpenSSL returns one record per call.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        // After a failure, only a lingering close reads: the raw bytes, to discard them.
        if tlsFailure != nil { return tcp.read(into: buffer) }
        if isHandshaking, let blocked = handshake() { return blocked }
        var filled = 0
        while filled < buffer.count {
            let count = SSL_read(ssl, buffer.baseAddress! + filled, Int32(clamping: buffer.count - filled))
            if count > 0 {
                filled += Int(count)
                continue
            }
            let outcome = result(of: count)
            return filled > 0 ? .bytes(filled) : outcome
        }
        return .bytes(filled)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        guard bytes.count > 0 else { return .bytes(0) }
        if isHandshaking, let blocked = handshake() { return blocked == .endOfStream ? .failed(EPIPE) : blocked }
        let count = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        if count > 0 { return .bytes(Int(count)) }
        let outcome = result(of: count)
        return outcome == .endOfStream ? .failed(EPIPE) : outcome
    }

    /// Advances the handshake; nil once it is done, else what the caller reports.
    private func handshake() -> IOResult? {
        let status = SSL_do_handshake(ssl)
        if status == 1 {
            isHandshaking = false
            return nil
        }
        return result(of: status)
    }

    private func result(of status: Int32) -> IOResult {
        let code = SSL_get_error(ssl, status)
        switch code {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .wouldBlock
        case SSL_ERROR_ZERO_RETURN:
            return .endOfStream   // close_notify (or, with IGNORE_UNEXPECTED_EOF, a bare FIN)
        case SSL_ERROR_SYSCALL:
            let error = errno
            ERR_clear_error()
            return error == 0 ? .endOfStream : .failed(error)
        default:
            // Not TLS (a plain-HTTP request on this port), a bad record, no shared cipher.
            receivedPlainHTTP = isHandshaking && cssl_error_is_plain_http() != 0
            tlsFailure = TLSContext.lastError()
            return .failed(EPROTO)
        }
    }

    /// Writes straight to the socket, outside TLS: the plain-HTTP answer to a plain-HTTP request.
    public func writeUnencrypted(_ bytes: UnsafeRawBufferPointer) -> IOResult { tcp.write(bytes) }

    public func enableNoDelay() { tcp.enableNoDelay() }

    /// close_notify, then FIN (reads still work).
    public func shutdownWrite() {
        if !isHandshaking && tlsFailure == nil { _ = SSL_shutdown(ssl) }
        ERR_clear_error()
        tcp.shutdownWrite()
    }

    public func close() { tcp.close() }

    /// A TCP reset, as on a plain connection (no close_notify).
    public func abort() { tcp.abort() }
}
