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
            }
        }
    }
}
