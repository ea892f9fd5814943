import Testing
import TestSupport
import UnderstudyHTTP
import UnderstudyNet
@testable import UnderstudyCore

/// Streamed responses (what /drip and /stream will use): chunked on HTTP/1.1, close-delimited
/// on HTTP/1.0, chunks sent over time from timers.
@Suite struct StreamingTests {
    func withStreamingPlane(_ body: (UInt16) async throws -> Void) async throws {
        let loop = try EventLoop(name: "stream")
        loop.start()
        let plane = try HTTPPlane(settings: ConnectionSettings(plane: "data"),
                                  addresses: [ListenAddress(host: "127.0.0.1", port: 0)], backlog: 16, loops: [loop])
        plane.start(makeHandler: { loop in
            { exchange in
                exchange.startStream(status: 200, headers: ["Content-Type": "text/plain"])
                var sent = 0
                func next() {
                    sent += 1
                    exchange.write(Array("chunk \(sent)\n".utf8))
                    if sent == 3 { exchange.finish() } else { loop.schedule(after: .milliseconds(20), next) }
                }
                loop.schedule(after: .milliseconds(20), next)
            }
        }, makeObserver: { _ in nil }, onError: { _ in })
        defer {
            plane.stopAccepting()
            loop.stop()
            loop.waitUntilStopped()
        }
        try await body(plane.listeners[0].boundAddress.port)
    }

    @Test func http11StreamsChunksAndKeepsTheConnection() async throws {
        try await withStreamingPlane { port in
            let client = try RawClient(port: port)
            for _ in 0..<2 {
                try client.send("GET /drip HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.header("Transfer-Encoding") == "chunked")
                #expect(response.bodyText == "chunk 1\nchunk 2\nchunk 3\n")
            }
        }
    }

    @Test func http10StreamEndsWithTheConnection() async throws {
        try await withStreamingPlane { port in
            let client = try RawClient(port: port)
            try client.send("GET /drip HTTP/1.0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(response.header("Connection") == "close")
            #expect(response.bodyText == "chunk 1\nchunk 2\nchunk 3\n")
        }
    }

    @Test func headOfAStreamSendsNoBody() async throws {
        try await withStreamingPlane { port in
            let client = try RawClient(port: port)
            try client.send("HEAD /drip HTTP/1.1\r\nHost: t\r\n\r\nGET /drip HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client.readResponse(forHead: true)
            #expect(try client.readResponse().bodyText == "chunk 1\nchunk 2\nchunk 3\n")
        }
    }
}
