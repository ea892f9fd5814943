#if canImport(Glibc)
import Glibc
#endif

/// An in-memory `ByteStream` for driving a connection without sockets (tests, the
/// connection fuzzer): the driver pushes input (and EOF), the connection's writes collect
/// in `output`.
public final class MemoryStream: ByteStream {
    public let fileDescriptor: Int32 = -1
    public let peerAddress = "memory:0"
    private var input: [UInt8] = []
    private var inputEnded = false
    public private(set) var output: [UInt8] = []
    public private(set) var isClosed = false
    public private(set) var wroteFIN = false

    public init() {}

    public func push(_ bytes: [UInt8]) { input.append(contentsOf: bytes) }
    public func pushEndOfStream() { inputEnded = true }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        if isClosed { return .failed(EBADF) }
        if input.isEmpty { return inputEnded ? .endOfStream : .wouldBlock }
        let count = min(buffer.count, input.count)
        input.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        input.removeFirst(count)
        return .bytes(count)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        if isClosed || wroteFIN { return .failed(EPIPE) }
        output.append(contentsOf: bytes)
        return .bytes(bytes.count)
    }

    public func enableNoDelay() {}
    public func shutdownWrite() { wroteFIN = true }
    public func close() { isClosed = true }
    public func abort() { isClosed = true }
}
