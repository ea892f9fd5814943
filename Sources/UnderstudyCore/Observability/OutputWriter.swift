#if canImport(Glibc)
import Glibc
#endif
import UnderstudyNet

/// The one writer of product output (listening lines, access log, events) on stdout.
/// Loops buffer their lines and flush once per loop iteration; the lock keeps lines whole.
public final class OutputWriter: Sendable {
    private let fileDescriptor: Int32
    private let sink: (@Sendable ([UInt8]) -> Void)?
    private let lock = Locked(())

    public static let standardOutput = OutputWriter(fileDescriptor: 1)

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        self.sink = nil
    }

    /// Hands every write to `sink` instead of a descriptor (tests read the lines).
    public init(sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.fileDescriptor = -1
        self.sink = sink
    }

    /// Writes whole lines; blocks only as long as stdout's consumer takes.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    public func write(_ raw: UnsafeRawBufferPointer) {
        guard raw.count > 0 else { return }
        if let sink { return sink(Array(raw)) }
        lock.withLock { _ in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                if n < 0 && errno == EAGAIN {
                    var poll = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                    _ = Glibc.poll(&poll, 1, 100)
                    continue
                }
                return   // stdout closed: drop the output rather than crash
            }
        }
    }

    public func writeLine(_ line: JSONLine) {
        var line = line
        write(line.finish())
    }
}
