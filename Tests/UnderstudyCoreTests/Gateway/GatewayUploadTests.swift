import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// Request bodies stream through the gateway as they arrive, in the client's framing: the
/// target sees the request before the client has finished sending it.
@Suite struct GatewayUploadTests {
    static func targetIsReading(_ target: TestServer) throws -> Bool {
        try target.waitForState { ($0["connections"] as? [String: Any])?["reading"] as? Int == 1 }
    }

    @Test func aBodyReachesTheTargetWhileTheClientIsStillSending() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nhello")
                #expect(try Self.targetIsReading(target), "the head and the first half are at the target already")
                try client.send(" wide")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.bodyText.contains(#""data": "hello wide""#) || response.bodyText.contains("hello wide"))
                try client.send("GET /status/204 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 204, "the connection stays in step after a streamed body")
            }
        }
    }

    @Test func aChunkedBodyGoesOnChunked() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                #expect(try Self.targetIsReading(target))
                try client.send("6\r\n again\r\n0\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                let echoed = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                #expect(echoed["data"] as? String == "hello again")
                let headers = echoed["headers"] as? [String: [String]]
                #expect(headers?["Transfer-Encoding"] == ["chunked"] && headers?["Content-Length"] == nil)
            }
        }
    }

    @Test func aClientLeavingMidBodyIsLogged400() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello")
                #expect(try Self.targetIsReading(target))
                client.close()
                let line = try #require(gateway.waitForAccessLog(count: 1).first)
                #expect(line[8] == "400", "ALB: the client closed the connection before sending the full request body")
                #expect(try gateway.targets().first?["in_flight"] as? Int == 0)
            }
        }
    }

    @Test func aClientSilentMidBodyGets408() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort]) { $0.idleTimeout = ConfigDuration(.seconds(1)) }) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello")
                #expect(try client.readResponse().status == 408)
                #expect(try gateway.targets().first?["in_flight"] as? Int == 0)
                let line = try #require(gateway.waitForAccessLog(count: 1).first)
                #expect(line[8] == "408", "logged as what the client got")
            }
        }
    }

    /// The parser reads `Content-Length: 5, 5` as 5; the forwarded request must say 5 too,
    /// or the body would reach the target as the start of another request.
    @Test func aRepeatedContentLengthIsForwardedAsTheParserReadIt() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5, 5\r\n\r\nhello")
                let response = try client.readResponse()
                let echoed = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                #expect(echoed["data"] as? String == "hello")
                try client.send("GET /status/202 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 202)
            }
        }
    }

    /// A body big enough that its last piece backs the target connection up: its end still
    /// reaches the target, and the connections stay usable.
    @Test(arguments: ["chunked", "length"])
    func aLargeBodyEndsEvenWhenItsLastPieceIsHeldBack(_ framing: String) async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client(timeout: .seconds(10))
                let body = String(repeating: "y", count: 600 * 1024)
                if framing == "chunked" {
                    try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n")
                } else {
                    try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
                }
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("Connection") == nil, "the body ended: the connection stays open")
                #expect(response.bodyText.contains(String(repeating: "y", count: 1000)))
            }
        }
    }

    @Test func aBodilessRequestAnsweredAtOnceKeepsItsConnection() async throws {
        try await withTestGateway(makeGatewayConfig()) { (gateway: TestGateway) async throws in
            let client = try gateway.client()
            try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 503 && response.header("Connection") == nil)
            try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().status == 503)
        }
    }
}
