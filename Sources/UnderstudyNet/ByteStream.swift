/// A non-blocking, bidirectional byte stream owned by one event loop: plain TCP today,
/// TLS later, in-memory in tests. HTTP code talks only to this, never to sockets.
public protocol ByteStream: AnyObject {
    /// The descriptor the loop polls for readiness, or -1 for streams with none.
    var fileDescriptor: Int32 { get }
    /// `host:port` of the peer, for logs.
    var peerAddress: String { get }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult
    /// Turns off Nagle's algorithm (`TCP_NODELAY`) once a connection will carry more than
    /// one write per round trip: keep-alive, streamed bodies, interim responses.
    func enableNoDelay()
    /// Sends FIN after the data already written; reads still work.
    func shutdownWrite()
    /// Closes the stream; the caller has removed it from its poller first.
    func close()
    /// Closes with a TCP reset (SO_LINGER 0) instead of FIN.
    func abort()
    /// True for TLS: how the client reached the plane (`https`).
    var isEncrypted: Bool { get }
    /// A TLS handshake is still under way (reads drive it; it may wait for writability).
    var isHandshaking: Bool { get }
    /// TLS: OpenSSL's reason when the handshake or a record failed.
    var tlsFailure: String? { get }
}

extension ByteStream {
    public var isEncrypted: Bool { false }
    public var isHandshaking: Bool { false }
    public var tlsFailure: String? { nil }
}
