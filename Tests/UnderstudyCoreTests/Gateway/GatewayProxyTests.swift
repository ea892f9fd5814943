import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// Requests through the gateway to a real Understudy target, over loopback: what the target
/// sees (ALB's forwarding headers), what the client gets (streamed bodies, framing), and the
/// access log's ALB fields.
@Suite struct GatewayProxyTests {
    /// The target's own fields reach the client as they were sent; the fields that describe
    /// the target connection (RFC 9110 §7.6.1) do not.
    @Test func passesTheTargetsFieldsButNotItsHopByHopOnes() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let response = try gateway.get("/response-headers?X-Rehearsal=yes&Keep-Alive=timeout%3D1&Proxy-Connection=close&Set-Cookie=a%3D1")
                #expect(response.status == 200)
                #expect(response.header("X-Rehearsal") == "yes")
                #expect(response.header("Set-Cookie") == "a=1")
                #expect(response.header("Keep-Alive") == nil && response.header("Proxy-Connection") == nil)
                #expect(response.header("Content-Length") == String(response.body.count))
                #expect(response.header("Server") == "understudy", "the target's Server field, not one of the gateway's")
                #expect(response.headers.filter { $0.0.lowercased() == "date" }.count == 1, "one Date, the target's")
            }
        }
    }

    @Test func forwardsWithALBHeadersAndLogsTheTraceID() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let response = try gateway.get("/headers", headers: "X-Forwarded-For: 203.0.113.7\r\nUser-Agent: rehearsal/1\r\n")
                #expect(response.status == 200)
                let seen = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                let headers = try #require(seen["headers"] as? [String: [String]])
                #expect(headers["X-Forwarded-For"] == ["203.0.113.7, 127.0.0.1"])
                #expect(headers["X-Forwarded-Proto"] == ["http"])
                #expect(headers["X-Forwarded-Port"] == [String(gateway.port)])
                #expect(headers["Connection"] == nil, "hop-by-hop fields are not forwarded")
                let trace = try #require(headers["X-Amzn-Trace-Id"]?.first)
                #expect(trace.wholeMatch(of: /Root=1-[0-9a-f]{8}-[0-9a-f]{24}/) != nil)

                let line = try #require(gateway.waitForAccessLog(count: 1).first)
                #expect(line.count == 29, "ALB's 29 fields: \(line)")
                #expect(line[0] == "http")
                #expect(line[2].hasPrefix("app/understudy-gateway/"))
                #expect(line[4] == "127.0.0.1:\(target.dataPort)")
                #expect(Double(line[5]) ?? -1 >= 0 && Double(line[6]) ?? -1 >= 0 && Double(line[7]) ?? -1 >= 0)
                #expect(line[8] == "200" && line[9] == "200")
                #expect(line[12] == "GET http://127.0.0.1:\(gateway.port)/headers HTTP/1.1")
                #expect(line[13] == "rehearsal/1")
                #expect(line[17] == trace, "the log's trace_id joins the target's logs")
                #expect(line[20] == "0" && line[22] == "forward")
                #expect(line[25] == "127.0.0.1:\(target.dataPort)" && line[26] == "200")
            }
        }
    }

    @Test func streamsBodiesBothWays() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                let payload = String(repeating: "x", count: 100_000)
                try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: \(payload.utf8.count)\r\n\r\n\(payload)")
                let echoed = try client.readResponse()
                #expect(echoed.status == 200)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(echoed.body)) as? [String: Any])
                #expect((object["data"] as? String)?.utf8.count == payload.utf8.count)

                // A chunked answer from the target reaches the client chunked, on the same connection.
                try client.send("GET /stream/3 HTTP/1.1\r\nHost: a\r\n\r\n")
                let streamed = try client.readResponse()
                #expect(streamed.status == 200)
                #expect(streamed.header("Transfer-Encoding") == "chunked")
                #expect(streamed.bodyText.split(separator: "\n").count == 3)

                // HEAD: the target's length, no body; the connection stays in step.
                try client.send("HEAD /bytes/64 HTTP/1.1\r\nHost: a\r\n\r\n")
                let head = try client.readResponse(forHead: true)
                #expect(head.status == 200 && head.header("Content-Length") == "64")
                try client.send("GET /status/418 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 418, "the target's own errors pass through")
            }
        }
    }

    @Test func noRegisteredTargetIs503() async throws {
        try await withTestGateway(makeGatewayConfig()) { (gateway: TestGateway) async throws in
            let response = try gateway.get("/health")
            #expect(response.status == 503)
            #expect(response.bodyText.contains("503 Service Unavailable"))
            let line = try #require(gateway.waitForAccessLog(count: 1).first)
            #expect(line[4] == "-" && line[5] == "-1" && line[6] == "-1" && line[7] == "-1")
            #expect(line[8] == "503" && line[9] == "-")
        }
    }

    @Test func jsonLogCarriesTheSameFieldsAndTheCause() async throws {
        try await withTestGateway(makeGatewayConfig { $0.log.format = .json }) { (gateway: TestGateway) async throws in
            _ = try gateway.get("/")
            let deadline = ContinuousClock.now + .seconds(5)
            var entry: [String: Any]?
            while entry == nil && ContinuousClock.now < deadline {
                entry = gateway.output.lines.compactMap { line in
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                }.first { $0["type"] as? String == "http" }
                usleep(5_000)
            }
            let found = try #require(entry)
            #expect(found["elb_status_code"] as? Int == 503)
            #expect(found["target"] as? String == "-")
            #expect(found["request_processing_time"] as? Double == -1)
            #expect(found["cause"] as? String == "no_targets")
            #expect(found["trace_id"] as? String != "-")
        }
    }
}
