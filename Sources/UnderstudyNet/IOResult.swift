/// The outcome of one non-blocking read or write on a `ByteStream`.
public enum IOResult: Equatable, Sendable {
    /// This many bytes moved (never 0 for reads: end of stream is `.endOfStream`).
    case bytes(Int)
    /// Nothing can move now; wait for readiness.
    case wouldBlock
    /// The peer closed its sending side (reads only).
    case endOfStream
    /// The stream failed with this errno (`ECONNRESET`, `EPIPE`, …).
    case failed(Int32)
}
