#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims

extension TCPStream {
    /// How a non-blocking connect began: done at once (loopback often is) or in progress,
    /// finished when the socket turns writable (then read `pendingConnectError`).
    public enum ConnectStart: Sendable {
        case connected
        case inProgress
    }

    /// Opens a non-blocking socket and starts connecting it to `address`; never blocks.
    /// A refusal the kernel knows at once (`ECONNREFUSED` on loopback) is thrown here.
    public static func connect(to address: SocketAddress) throws(SocketError) -> (stream: TCPStream, start: ConnectStart) {
        let fd = us_socket(address.family, US_SOCK_STREAM)
        guard fd >= 0 else { throw SocketError("socket", address.description, code: us_errno()) }
        while true {
            let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return (TCPStream(fileDescriptor: fd, peerAddress: address.description), .connected) }
            let code = us_errno()
            // EINTR on a non-blocking connect: the handshake goes on, as with EINPROGRESS.
            if code == EINPROGRESS || code == EINTR { return (TCPStream(fileDescriptor: fd, peerAddress: address.description), .inProgress) }
            Glibc.close(fd)
            throw SocketError("connect", address.description, code: code)
        }
    }

    /// The outcome of a connect in progress, once the socket is writable: 0 when it
    /// succeeded, else its errno (`SO_ERROR`: `ECONNREFUSED`, `ETIMEDOUT`, …).
    public var pendingConnectError: Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fileDescriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return us_errno() }
        return code
    }
}

extension SocketAddress {
    /// Resolves `host` and `port` for a client; may block in getaddrinfo, so call it once
    /// up front, never on a loop.
    public init(resolvingHost host: String, port: UInt16) throws(SocketError) {
        try self.init(resolving: ListenAddress(host: host, port: port))
    }
}
