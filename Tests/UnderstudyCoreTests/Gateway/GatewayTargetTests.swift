import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// Targets' health and registration as an ALB target group keeps them: health checks with
/// thresholds and reason codes, routing to healthy targets only, fail-open when none is
/// healthy, round robin, and register/deregister through the admin API.
@Suite struct GatewayTargetTests {
    /// Health checks every 200 ms; 2 passes to healthy (one from `initial`), 2 failures to unhealthy.
    static func config(_ ports: [UInt16], _ adjust: (inout GatewayConfig) -> Void = { _ in }) -> GatewayConfig {
        makeGatewayConfig(targets: ports) { config in
            config.healthCheck.path = "/health"
            config.healthCheck.healthyThreshold = 2
            config.healthCheck.unhealthyThreshold = 2
            adjust(&config)
        }
    }

    static func setHealth(_ server: TestServer, status: Int) throws {
        let body = #"{"status":\#(status)}"#
        let client = try server.adminClient()
        try client.send("PUT /api/health HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        #expect(try client.readResponse().status == 200)
    }

    @Test func healthTransitionsAreLoggedWithALBReasons() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(Self.config([target.dataPort])) { (gateway: TestGateway) async throws in
                let healthy = await gateway.output.waitForEvents("target_health_changed")
                #expect(healthy.first?["from"] as? String == "initial" && healthy.first?["to"] as? String == "healthy",
                        "one pass takes a new target out of initial")
                try Self.setHealth(target, status: 503)
                let down = await gateway.output.waitForEvents("target_health_changed", count: 2)
                #expect(down.last?["to"] as? String == "unhealthy")
                #expect(down.last?["reason"] as? String == "Target.ResponseCodeMismatch")
                let listed = try #require(try gateway.targets().first)
                #expect(listed["state"] as? String == "unhealthy")
                #expect(listed["description"] as? String == "Health checks failed with these codes: [503]")
                // Fail-open: the only target is unhealthy, yet requests still reach it.
                #expect(try gateway.get("/get").status == 200)
                try Self.setHealth(target, status: 200)
                let back = await gateway.output.waitForEvents("target_health_changed", count: 3)
                #expect(back.last?["to"] as? String == "healthy" && back.last?["consecutive"] as? Int == 2,
                        "an unhealthy target needs the healthy threshold")
            }
        }
    }

    @Test func requestsGoOnlyToHealthyTargetsRoundRobin() async throws {
        try await withTestServer { (first: TestServer) async throws in
            try await withTestServer { (second: TestServer) async throws in
                try await withTestGateway(Self.config([first.dataPort, second.dataPort])) { (gateway: TestGateway) async throws in
                    _ = await gateway.output.waitForEvents("target_health_changed", count: 2)
                    for _ in 0..<4 { #expect(try gateway.get("/get").status == 200) }
                    let spread = gateway.waitForAccessLog(count: 4).map { $0[4] }
                    #expect(Set(spread).count == 2 && spread[0] != spread[1], "round robin alternates: \(spread)")

                    try Self.setHealth(second, status: 500)
                    _ = await gateway.output.waitForEvents("target_health_changed", count: 3)
                    for _ in 0..<4 { #expect(try gateway.get("/get").status == 200) }
                    let after = gateway.waitForAccessLog(count: 8).suffix(4).map { $0[4] }
                    #expect(after.allSatisfy { $0 == "127.0.0.1:\(first.dataPort)" }, "only the healthy target: \(after)")
                }
            }
        }
    }

    @Test func registerAndDeregisterThroughTheAdminAPI() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(Self.config([]) { $0.deregistrationDelay = ConfigDuration(.milliseconds(300)) }) { (gateway: TestGateway) async throws in
                #expect(try gateway.get("/get").status == 503)
                let name = "127.0.0.1:\(target.dataPort)"
                #expect(try gateway.admin("PUT", "/api/targets/\(name)").status == 201)
                #expect(try gateway.admin("PUT", "/api/targets/\(name)").status == 200, "registering twice changes nothing")
                #expect(try gateway.get("/get").status == 200)
                #expect(try gateway.admin("DELETE", "/api/targets/\(name)").status == 202)
                #expect(try gateway.targets().first?["state"] as? String == "draining")
                #expect(try gateway.get("/get").status == 503, "a draining target gets no new requests")
                _ = await gateway.output.waitForEvents("target_deregistered")
                #expect(try gateway.targets().isEmpty)
                #expect(try gateway.admin("DELETE", "/api/targets/\(name)").status == 404)
                #expect(try gateway.admin("PUT", "/api/targets/nonsense").status == 400)
            }
        }
    }

    @Test func deregistrationDelayLetsInFlightRequestsFinish() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(Self.config([target.dataPort]) { $0.deregistrationDelay = ConfigDuration(.seconds(3)) }) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("GET /delay/0.5 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try target.waitForState { ($0["connections"] as? [String: Any])?["delayed"] as? Int == 1 })
                #expect(try gateway.admin("DELETE", "/api/targets/127.0.0.1:\(target.dataPort)").status == 202)
                #expect(try client.readResponse().status == 200, "the request in flight completes while draining")
            }
        }
    }
}
