import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// ALB's own answers when a target misbehaves, each from a real target on loopback: 504 for
/// silence past the idle timeout, 502 for a reset, a close inside the head, and the keep-alive
/// race on a pooled connection; 460 in the log for a client that leaves.
@Suite struct GatewayFailureTests {
    /// PRODUCT.md incident 1, scaled down: SendMessage stores its message, then answers
    /// after 2 s; the gateway's 1 s idle timeout answers 504 first, and the message is in
    /// the queue anyway.
    @Test func slowSendMessageIs504YetTheMessageIsStored() async throws {
        let config = faultConfig([#"{"name":"slow-send","match":{"sqs_action":"SendMessage"},"delay":"2s","when":"after_effect"}"#],
                                 maxDelay: .seconds(5)) { config in
            var queue = SQSQueueConfig()
            queue.name = "jobs"
            config.sqs.queues = [queue]
        }
        try await withTestServer(config) { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort]) { $0.idleTimeout = ConfigDuration(.seconds(1)) }) { (gateway: TestGateway) async throws in
                let body = #"{"QueueUrl":"http://127.0.0.1:\#(target.dataPort)/000000000000/jobs","MessageBody":"order-42"}"#
                let client = try gateway.client()
                let started = ContinuousClock.now
                try client.send("POST / HTTP/1.1\r\nHost: sqs\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n"
                    + "Content-Type: application/x-amz-json-1.0\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                let response = try client.readResponse()
                let waited = ContinuousClock.now - started
                #expect(response.status == 504)
                #expect(waited >= .seconds(1) && waited < .seconds(1.9), "504 at the idle timeout, before the target's answer: \(waited)")
                let queue = try target.adminGet("/api/queues/jobs")
                let counts = try #require(try JSONSerialization.jsonObject(with: Data(queue.body)) as? [String: Any])
                #expect(counts["visible"] as? Int == 1, "stored anyway: \(queue.bodyText)")
                let line = try #require(gateway.waitForAccessLog(count: 1).first)
                #expect(line[8] == "504" && line[9] == "-" && line[5] == "-1" && line[6] == "-1")
            }
        }
    }

    @Test func targetResetIs502() async throws {
        let config = faultConfig([#"{"name":"cut","match":{"path":"/cut"},"connection":"reset"}"#])
        try await withTestServer(config) { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let response = try gateway.get("/cut")
                #expect(response.status == 502)
                #expect(try gateway.get("/get").status == 200, "the next request gets a new target connection")
                let line = try #require(gateway.waitForAccessLog(count: 1).first)
                #expect(line[8] == "502" && line[9] == "-" && line[6] == "-1")
            }
        }
    }

    @Test func targetClosingInsideItsHeadIs502() async throws {
        let config = faultConfig([#"{"name":"half","match":{"path":"/half"},"connection":{"truncate":{"bytes":10}}}"#])
        try await withTestServer(config) { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                #expect(try gateway.get("/half").status == 502)
            }
        }
    }

    /// PRODUCT.md incident 3: the target's keep-alive (0.5 s) is shorter than the gateway's
    /// idle timeout (2 s). A request that follows the target's close on the pooled
    /// connection meets the closed connection: 502, not retried. The next one opens a new
    /// connection and passes.
    @Test func keepAliveRaceIs502() async throws {
        let config = makeTestConfig { $0.server.keepAlive.timeout = ConfigDuration(.milliseconds(500)) }
        try await withTestServer(config) { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort]) { $0.idleTimeout = ConfigDuration(.seconds(2)) }) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                // The target closes its side of the pooled connection (its keep-alive ran out);
                // the gateway, like a load balancer, does not look before reusing it.
                #expect(try target.waitForState { ($0["connections"] as? [String: Any])?["open"] as? Int == 0 })
                try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
                let raced = try client.readResponse()
                #expect(raced.status == 502)
                try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                let lines = gateway.waitForAccessLog(count: 3)
                #expect(lines.map { $0[8] } == ["200", "502", "200"])
            }
        }
    }

    /// The fix: a target keep-alive longer than the gateway's target idle timeout.
    @Test func targetKeepAliveLongerThanTheIdleTimeoutHasNoRace() async throws {
        let config = makeTestConfig { $0.server.keepAlive.timeout = ConfigDuration(.seconds(30)) }
        try await withTestServer(config) { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort]) {
                $0.idleTimeout = ConfigDuration(.seconds(2))
                $0.targetIdleTimeout = ConfigDuration(.milliseconds(300))
            }) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                for _ in 0..<3 {
                    try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
                    #expect(try client.readResponse().status == 200)
                    usleep(400_000)   // past the gateway's target idle timeout: it closes the pooled connection itself
                }
            }
        }
    }

    @Test func clientLeavingFirstIsLogged460() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("GET /delay/2 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try target.waitForState { ($0["connections"] as? [String: Any])?["delayed"] as? Int == 1 })
                client.close()
                let line = try #require(gateway.waitForAccessLog(count: 1).first)
                #expect(line[8] == "460")
                #expect(try gateway.targets().first?["in_flight"] as? Int == 0)
            }
        }
    }

    @Test func unreachableTargetIs502() async throws {
        let refusing = RefusingPort()
        try await withTestGateway(makeGatewayConfig(targets: [refusing.port])) { (gateway: TestGateway) async throws in
            #expect(try gateway.get("/").status == 502, "fail-open sends it to the one (unhealthy) target, which refuses")
        }
    }
}
