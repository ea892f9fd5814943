import Testing
import TestSupport
import UnderstudyHTTP
import UnderstudyNet
@testable import UnderstudyCore

/// `server.timeouts.write`: a client that stops reading a large response is cut off once no
/// byte could be written for that long.
@Suite struct WriteTimeoutTests {
    @Test func stalledReaderIsClosedAfterTheWriteTimeout() async throws {
        let loop = try EventLoop(name: "write-timeout")
        loop.start()
        var settings = ConnectionSettings(plane: "data")
        settings.writeTimeout = .milliseconds(200)
        let plane = try HTTPPlane(settings: settings, addresses: [ListenAddress(host: "127.0.0.1", port: 0)],
                                  backlog: 16, loops: [loop])
        let body = [UInt8](repeating: 0x61, count: 32 << 20)
        plane.start(makeHandler: { _ in { $0.respond(HTTPResponse(status: 200, body: body)) } },
                    makeObserver: { _ in nil }, onError: { _ in })
        defer {
            plane.stopAccepting()
            loop.stop()
            loop.waitUntilStopped()
        }
        let client = try RawClient(port: plane.listeners[0].boundAddress.port)
        try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        // Read nothing: the socket buffers fill, the server's write stalls, then it gives up.
        let started = ContinuousClock.now
        while plane.connectionCounts()[.writing] != 1 && ContinuousClock.now - started < .seconds(5) {
            try await Task.sleep(for: .milliseconds(1))
        }
        while plane.openConnections > 0 && ContinuousClock.now - started < .seconds(5) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(plane.openConnections == 0, "closed after the write timeout")
        #expect(ContinuousClock.now - started >= .milliseconds(190))
        let (bytes, ending) = client.readAll()
        #expect(ending == .reset, "cut off with a reset, not a clean end")
        #expect(bytes.count < body.count)
    }
}
