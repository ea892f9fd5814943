import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/status/1xx`: the interim head, then the final empty 200, as go-httpbin sends them;
/// read as raw bytes, since a client library would hide the interim response.
@Suite struct HTTPBinInformationalTests {
    /// Everything the server sends for `target` on a connection it closes after answering.
    static func rawExchange(_ server: TestServer, _ target: String, version: String = "HTTP/1.1") throws -> String {
        let client = try server.client()
        try client.send("GET \(target) \(version)\r\nHost: t\r\nConnection: close\r\n\r\n")
        return String(decoding: client.readAll().bytes, as: UTF8.self)
    }

    @Test(arguments: [(100, "Continue"), (102, "Processing"), (103, "Early Hints")])
    func interimHeadPrecedesTheFinal200(_ code: Int, _ reason: String) async throws {
        try await withTestServer { (server: TestServer) async throws in
            let raw = try Self.rawExchange(server, "/status/\(code)")
            let heads = raw.components(separatedBy: "\r\n\r\n")
            try #require(heads.count == 3, "\(raw.debugDescription)")
            let interim = heads[0].components(separatedBy: "\r\n")
            #expect(interim.first == "HTTP/1.1 \(code) \(reason)")
            #expect(interim.contains("Content-Type: text/plain; charset=utf-8"))
            #expect(interim.contains { $0.hasPrefix("Access-Control-Allow-Origin:") })
            #expect(!interim.contains { $0.hasPrefix("Content-Length:") || $0.hasPrefix("Date:") })
            let final = heads[1].components(separatedBy: "\r\n")
            #expect(final.first == "HTTP/1.1 200 OK")
            #expect(final.contains("Content-Length: 0") && final.contains("Content-Type: text/plain; charset=utf-8"))
            #expect(heads[2].isEmpty)
        }
    }

    @Test func http10ClientsGetTheFinalAnswerOnly() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let raw = try Self.rawExchange(server, "/status/103", version: "HTTP/1.0")
            #expect(raw.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(!raw.contains(" 103 "))
        }
    }

    @Test func theConnectionStaysUsableAfterAnInterimHead() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /status/103 HTTP/1.1\r\nHost: t\r\n\r\nGET /get HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 103)
            #expect(try client.readResponse().status == 200)
            let next = try client.readResponse()
            #expect(next.status == 200 && next.bodyText.contains("\"url\""))
        }
    }

    @Test func wireAndReplayAgreeOnInterimHeads() throws {
        let output = Array("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
        #expect(try ConnectionReplay.parseResponses(output, methods: ["GET"]).get() == [103, 200])
        #expect(ConnectionReplay.isInterim(103) && !ConnectionReplay.isInterim(101))
    }
}
