import CTestShims
import Dispatch
import Foundation
import UnderstudyNet

/// A child process started with `posix_spawn` (through `ts_spawn`), its stdout and stderr
/// collected by two reader threads. Replaces Foundation's `Process`, whose launch scans
/// /proc/self/fd with a 256-byte over-read that crashed the test process now and then
/// (swift-corelibs-foundation#5472; serialising launches did not help). Every descriptor
/// but 0–2 is closed in the child, so a tool never holds a test's socket open.
public final class ChildProcess: Sendable {
    public let pid: Int32
    public let stdout = LockedBytes()
    public let stderr = LockedBytes()
    private let exitStatus = Locked<Int32?>(nil)
    private let readers = DispatchGroup()

    public struct LaunchError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(executable: String, arguments: [String], environment: [String: String]? = nil) throws {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard ts_pipe_cloexec(&outPipe) == 0 else { throw LaunchError(description: "pipe: errno \(errno)") }
        guard ts_pipe_cloexec(&errPipe) == 0 else {
            outPipe.forEach { close($0) }
            throw LaunchError(description: "pipe: errno \(errno)")
        }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard devNull >= 0 else {
            (outPipe + errPipe).forEach { close($0) }
            throw LaunchError(description: "open /dev/null: errno \(errno)")
        }
        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = ts_spawn(executable, argv, envp, devNull, outPipe[1], errPipe[1], &child)
        close(devNull)
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw LaunchError(description: "spawn \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        for (descriptor, sink) in [(outPipe[0], stdout), (errPipe[0], stderr)] {
            readers.enter()
            Thread.detachNewThread { [readers] in
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count > 0 { sink.append(chunk[0..<count]); continue }
                    if count < 0 && errno == EINTR { continue }
                    break
                }
                close(descriptor)
                readers.leave()
            }
        }
    }

    /// The exit code, or the signal number for a child a signal ended (as `Process` reports
    /// it); nil while it runs.
    public var terminationStatus: Int32? {
        exitStatus.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid { status = Self.decode(raw) }
            }
            return status
        }
    }

    public var isRunning: Bool { terminationStatus == nil }

    /// Blocks until the child exits and both pipes reached end of file; returns its status.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        let status = exitStatus.withLock { status -> Int32 in
            if let status { return status }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = Self.decode(raw)
            return status!
        }
        readers.wait()
        return status
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : signal
    }
}

/// Bytes appended by a reader thread, read from the test.
public final class LockedBytes: Sendable {
    private let bytes = Locked<[UInt8]>([])
    func append(_ data: some Sequence<UInt8>) { bytes.withLock { $0.append(contentsOf: data) } }
    public var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}
