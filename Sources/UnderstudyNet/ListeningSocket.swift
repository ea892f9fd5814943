#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims
import Synchronization

/// A bound, listening, non-blocking TCP socket shared by every loop that accepts on it.
public final class ListeningSocket: Sendable {
    public let fileDescriptor: Int32
    /// The address actually bound (port 0 resolved to the kernel's choice).
    public let boundAddress: SocketAddress

    /// Binds and listens; `SO_REUSEADDR` set, IPv6 sockets IPv6-only. With `deferAccept`,
    /// a connection waits in the kernel until its first byte arrives (`TCP_DEFER_ACCEPT`, for
    /// at most that long; the kernel then hands it over anyway).
    public init(address: ListenAddress, backlog: Int, deferAccept: Duration? = nil) throws(SocketError) {
        let resolved = try SocketAddress(resolving: address)
        let fd = us_socket(resolved.family, US_SOCK_STREAM)
        guard fd >= 0 else { throw SocketError("socket", address.description, code: us_errno()) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if resolved.family == AF_INET6 {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        if let deferAccept {
            _ = us_set_defer_accept(fd, Int32(clamping: max(deferAccept.components.seconds, 1)))
        }
        let bound = resolved.withSockAddr { bind(fd, $0, $1) }
        guard bound == 0 else {
            let code = us_errno()
            Glibc.close(fd)
            throw SocketError("bind", address.description, code: code)
        }
        guard listen(fd, Int32(clamping: backlog)) == 0 else {
            let code = us_errno()
            Glibc.close(fd)
            throw SocketError("listen", address.description, code: code)
        }
        self.fileDescriptor = fd
        self.boundAddress = SocketAddress(localOf: fd)
    }

    /// Accepts one pending connection, or `nil` when none waits (`EAGAIN`).
    public func accept() -> Result<TCPStream, SocketError>? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { us_accept(fileDescriptor, $0, &length) }
        }
        if fd < 0 {
            let code = us_errno()
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED { return nil }
            return .failure(SocketError("accept", boundAddress.description, code: code))
        }
        let peer = SocketAddress(storage: storage, length: length)
        return .success(TCPStream(fileDescriptor: fd, peerAddress: peer.description))
    }

    /// Connections the kernel completed that wait for `accept`, and the backlog limit
    /// (Linux `TCP_INFO` on the listener); nil where the OS does not say or once closed.
    /// Connections held back by `deferAccept` (no byte yet) are not counted.
    public func listenQueue() -> (queued: Int, limit: Int)? {
        guard !isClosed.load(ordering: .acquiring) else { return nil }
        var queued: UInt32 = 0
        var limit: UInt32 = 0
        guard us_listen_queue(fileDescriptor, &queued, &limit) == 0 else { return nil }
        return (Int(queued), Int(limit))
    }

    private let isClosed = Atomic<Bool>(false)

    /// Closes the descriptor (once; later calls do nothing, so a reused number is safe);
    /// call after every loop has removed it from its poller.
    public func close() {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = Glibc.close(fileDescriptor)
    }
}
