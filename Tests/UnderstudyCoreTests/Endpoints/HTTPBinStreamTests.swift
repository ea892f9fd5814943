import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// Chunked answers (`/stream`, `/jsonl`, `/sse`, `/stream-bytes`, `/trailers`) and the
/// generated-bytes routes (`/bytes`, `/range`).
@Suite struct HTTPBinStreamTests {
    /// Sends `target` and returns the raw bytes until the server closes.
    func raw(_ server: TestServer, _ target: String) throws -> String {
        let client = try server.client()
        try client.send("GET \(target) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        return String(decoding: client.readAll().bytes, as: UTF8.self)
    }

    @Test func streamSendsCompactLinesAsChunks() async throws {
        try await withTestServer { server in
            let response = try send(server, "/stream/3?x=<1>")
            #expect(response.header("Transfer-Encoding") == "chunked")
            let lines = response.bodyText.split(separator: "\n")
            #expect(lines.count == 3)
            for (id, line) in lines.enumerated() {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["id"] as? Int == id)
                #expect(object["method"] == nil)
                #expect(line.hasPrefix("{\"id\":\(id),\"args\":{\"x\":[\"\\u003c1\\u003e\"]},\"headers\":"))
            }
            #expect(try send(server, "/stream/1000").bodyText.split(separator: "\n").count == 100)
            try expectError(try send(server, "/stream/x"), 400, detail: #"invalid count: strconv.Atoi: parsing "x": invalid syntax"#)
        }
    }

    @Test func jsonlAndSSEPaceTheirItems() async throws {
        try await withTestServer { server in
            let jsonl = try send(server, "/jsonl?count=4")
            #expect(jsonl.header("Content-Type") == "application/x-ndjson; charset=utf-8")
            #expect(jsonl.bodyText.split(separator: "\n").count == 4)
            let started = ContinuousClock.now
            let sse = try raw(server, "/sse?count=3&duration=200ms")
            #expect(ContinuousClock.now - started >= .milliseconds(200))
            #expect(sse.contains("Content-Type: text/event-stream; charset=utf-8\r\n"))
            #expect(sse.contains("Trailer: Server-Timing\r\n"))
            for id in 0..<3 { #expect(sse.contains("event: ping\ndata: {\"id\":\(id),\"timestamp\":")) }
            #expect(sse.range(of: "\r\n0\r\nServer-Timing: total_duration;dur=") != nil, "trailer after the last chunk")
            #expect(try send(server, "/sse?count=0").status == 400)
            let tooLong = try send(server, "/sse?duration=9m&delay=2m")
            #expect(tooLong.status == 400)
            #expect(tooLong.bodyText == "Too much time\n")
        }
    }

    @Test func trailersFollowTheLastChunk() async throws {
        try await withTestServer { server in
            let text = try raw(server, "/trailers?x-one=1&X-Two=2")
            #expect(text.contains("Trailer: x-one\r\n"))
            #expect(text.contains("Trailer: X-Two\r\n"))
            #expect(text.contains("\"url\": \"http://t/trailers?x-one=1&X-Two=2\""))
            #expect(text.hasSuffix("\r\n0\r\nX-One: 1\r\nX-Two: 2\r\n\r\n"))
            try expectError(try send(server, "/trailers?content-length=1"), 400, detail: "forbidden trailer: content-length")
        }
    }

    /// The trailer section ends the response: the next request on the connection reads cleanly.
    @Test func trailersKeepTheConnectionUsable() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /trailers?x-one=1 HTTP/1.1\r\nHost: t\r\n\r\n")
            let first = try client.readResponse()
            #expect(first.trailers.map { $0.0 } == ["X-One"])
            try client.send("GET /get HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func bytesAreSeededAndStreamBytesMatch() async throws {
        try await withTestServer { server in
            let first = try send(server, "/bytes/64?seed=7")
            #expect(first.header("Content-Type") == "application/octet-stream")
            #expect(first.header("Content-Length") == "64")
            #expect(try send(server, "/bytes/64?seed=7").body == first.body)
            #expect(try send(server, "/bytes/64?seed=8").body != first.body)
            let streamed = try send(server, "/stream-bytes/64?seed=7&chunk_size=10")
            #expect(streamed.header("Transfer-Encoding") == "chunked")
            #expect(streamed.body == first.body)
            let empty = try send(server, "/bytes/0")
            #expect(empty.status == 200 && empty.body.isEmpty && empty.header("Content-Type") == nil)
            try expectError(try send(server, "/bytes/-1"), 400, detail: "invalid byte count: -1 must be greater than 0")
            try expectError(try send(server, "/bytes/2000000"), 400, detail: "invalid byte count: 2000000 not in range [1, 1048576]")
            try expectError(try send(server, "/bytes/1?seed=z"), 400, detail: #"invalid seed: strconv.ParseInt: parsing "z": invalid syntax"#)
        }
    }

    @Test(arguments: [
        ("", 200, "abcdefghijklmnopqrstuvwxyzab", nil),
        ("bytes=2-5", 206, "cdef", "bytes 2-5/28"),
        ("bytes=26-", 206, "ab", "bytes 26-27/28"),
        ("bytes=-3", 206, "zab", "bytes 25-27/28"),
        ("bytes=40-50", 416, "invalid range: failed to overlap\n", "bytes */28"),
    ] as [(String, Int, String, String?)])
    func rangeServesByteRanges(_ range: String, _ status: Int, _ body: String, _ contentRange: String?) async throws {
        try await withTestServer { server in
            let response = try send(server, "/range/28", headers: range.isEmpty ? [] : ["Range: \(range)"])
            #expect(response.status == status)
            #expect(response.bodyText == body)
            #expect(response.header("Content-Range") == contentRange)
            if status != 416 { #expect(response.header("ETag") == "range28" && response.header("Accept-Ranges") == "bytes") }
        }
    }
}
