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
        // Read nothing: the socket buffers fill, the server's write stalls.
        var sawWriting = false
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if plane.connectionCounts()[.writing] == 1 { sawWriting = true }
            if sawWriting && plane.openConnections == 0 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(sawWriting, "the response stalled in the writing state")
        #expect(plane.openConnections == 0, "closed after the write timeout")
    }
}
