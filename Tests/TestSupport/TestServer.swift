import Foundation
import UnderstudyCore
import UnderstudyNet

/// A server on 127.0.0.1:0 (data and admin) for one test, with its output lines captured.
public final class TestServer: Sendable {
    public let server: UnderstudyServer
    public let output: CapturedOutput

    public var dataPort: UInt16 { server.dataPlane.listeners[0].boundAddress.port }
    public var adminPort: UInt16 { server.adminPlane.listeners[0].boundAddress.port }
    /// The first HTTPS listener of the data plane (`tls.listen`).
    public var tlsPort: UInt16? { server.listeners.first { $0.plane == "data" && $0.isTLS }?.socket.boundAddress.port }

    init(config: UnderstudyConfig) throws {
        output = CapturedOutput()
        server = try UnderstudyServer(config: config, output: OutputWriter(sink: { [output] in output.append($0) }))
        server.start()
    }

    public func client(timeout: Duration = .seconds(5)) throws -> RawClient { try RawClient(port: dataPort, timeout: timeout) }
    public func adminClient() throws -> RawClient { try RawClient(port: adminPort) }
}

/// A config for tests: loopback, port 0 for both planes, one loop, access log on.
public func makeTestConfig(_ adjust: (inout UnderstudyConfig) -> Void = { _ in }) -> UnderstudyConfig {
    var config = UnderstudyConfig()
    config.server.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
    config.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
    config.server.loops = 1
    adjust(&config)
    return config
}

/// Runs `body` with a started server; stops it on every path. Connects succeed as soon
/// as this calls `body` (the sockets listen before `start`), so no sleeps are needed.
public func withTestServer(_ config: UnderstudyConfig = makeTestConfig(),
                           _ body: (TestServer) async throws -> Void) async throws {
    let server = try TestServer(config: config)
    defer { server.server.stop() }
    try await body(server)
}

/// Lines the server wrote as product output, for assertions and for waiting on a signal.
public final class CapturedOutput: Sendable {
    private let state = Locked<(buffer: [UInt8], lines: [String])>(([], []))

    func append(_ bytes: [UInt8]) {
        state.withLock { state in
            state.buffer.append(contentsOf: bytes)
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                state.lines.append(String(decoding: state.buffer[..<newline], as: UTF8.self))
                state.buffer.removeSubrange(...newline)
            }
        }
    }

    public var lines: [String] { state.withLock { $0.lines } }

    /// JSON objects among the lines whose `event` is `event`.
    public func events(_ event: String) -> [[String: Any]] {
        lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["event"] as? String == event else { return nil }
            return object
        }
    }

    /// Waits (polling, bounded) until `count` lines with `event` exist; returns them. Polls
    /// on this thread: a `Task.sleep` can oversleep by seconds while other tests block the
    /// cooperative pool with their socket reads.
    public func waitForEvents(_ event: String, count: Int = 1, timeout: Duration = .seconds(5)) async -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = events(event)
            if found.count >= count { return found }
            usleep(5_000)
        }
        return events(event)
    }
}
