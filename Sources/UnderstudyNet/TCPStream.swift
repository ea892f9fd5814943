#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims

/// A connected, non-blocking TCP socket as a `ByteStream`; owns its descriptor.
public final class TCPStream: ByteStream {
    public private(set) var fileDescriptor: Int32
    public let peerAddress: String

    public init(fileDescriptor: Int32, peerAddress: String) {
        self.fileDescriptor = fileDescriptor
        self.peerAddress = peerAddress
    }

    deinit { close() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.read(fileDescriptor, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfStream }
            let code = us_errno()
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n = send(fileDescriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            let code = us_errno()
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
    }

    /// Bytes received and not read yet (`FIONREAD`); a FIN is not counted.
    public var pendingByteCount: Int {
        guard fileDescriptor >= 0 else { return 0 }
        var count: Int32 = 0
        guard ioctl(fileDescriptor, UInt(FIONREAD), &count) == 0 else { return 0 }
        return Int(count)
    }

    private var isNoDelay = false

    public func enableNoDelay() {
        guard !isNoDelay, fileDescriptor >= 0 else { return }
        isNoDelay = true
        _ = us_set_nodelay(fileDescriptor)
    }

    public func shutdownWrite() {
        guard fileDescriptor >= 0 else { return }
        _ = shutdown(fileDescriptor, Int32(SHUT_WR))
    }

    public func close() {
        guard fileDescriptor >= 0 else { return }
        _ = Glibc.close(fileDescriptor)
        fileDescriptor = -1
    }

    public func abort() {
        guard fileDescriptor >= 0 else { return }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fileDescriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }
}
