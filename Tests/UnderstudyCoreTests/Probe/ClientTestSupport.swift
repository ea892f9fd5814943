#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
@testable import UnderstudyCore
import UnderstudyNet

/// Output lines a probe or load run wrote, captured for assertions and for waiting on.
final class CapturedLines: Sendable {
    private let state = Locked<[UInt8]>([])

    var writer: OutputWriter { OutputWriter(sink: { [state] bytes in state.withLock { $0.append(contentsOf: bytes) } }) }

    var lines: [String] { state.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init) }

    func jsonLines(_ event: String) -> [[String: Any]] {
        lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["event"] as? String == event else { return nil }
            return object
        }
    }

    /// Waits (bounded) for a line containing `text`; true when it came.
    func waitFor(_ text: String, count: Int = 1, timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if lines.filter({ $0.contains(text) }).count >= count { return true }
            usleep(5_000)
        }
        return false
    }
}

/// A loopback port that refuses connections for as long as this lives: bound (so no other
/// test's server can take it) but not listening, so a connect gets a reset.
final class RefusingPort {
    let port: UInt16
    private let fd: Int32

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(fd, $0, length)
                _ = getsockname(fd, $0, &length)
            }
        }
        self.port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}

/// One admin-API request on the test server.
@discardableResult
func adminRequest(_ server: TestServer, _ method: String, _ path: String, body: String = "") throws -> RawClient.Response {
    let client = try server.adminClient()
    try client.send("\(method) \(path) HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
    return try client.readResponse()
}

/// Probe settings for tests: a short interval, the server's /health, and a timeout long
/// enough for a slow run (Thread Sanitizer, parallel tests) where no test wants a timeout.
/// Built directly, so the CLI's timeout-below-interval rule does not apply.
func makeProbeSettings(port: UInt16, path: String = "/health", _ adjust: (inout ProbeSettings) -> Void = { _ in }) -> ProbeSettings {
    var settings = ProbeSettings(url: ClientURL(host: "127.0.0.1", port: port, target: path))
    settings.interval = .milliseconds(100)
    settings.timeout = .seconds(3)
    settings.healthyThreshold = 2
    settings.unhealthyThreshold = 2
    settings.duration = .seconds(20)
    settings.json = true
    adjust(&settings)
    return settings
}

/// A blocking run (probe, load) on a thread of its own, so it starts at once even while the
/// test's cooperative threads are busy waiting; `wait` polls (bounded) for its result.
final class BackgroundRun<Report: Sendable>: Sendable {
    private let result = Locked<Result<Report, any Error>?>(nil)

    init(_ body: @escaping @Sendable () throws -> Report) {
        let result = self.result
        Thread { result.withLock { $0 = Result(catching: body) } }.start()
    }

    func wait(timeout: Duration = .seconds(30)) throws -> Report? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let done = result.withLock({ $0 }) { return try done.get() }
            usleep(5_000)
        }
        return nil
    }
}
