import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// The gateway's admin plane as the dashboard sees it: `GET /api/events` with the target,
/// its status and the gateway's cause on `request_completed` (502 from a target that
/// refuses, 503 with none registered), `target_changed` as targets come and go, and
/// `gateway.html` as its page.
@Suite struct GatewayEventsTests {
    @Test func requestEventsCarryTargetStatusAndCause() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let stream = try SSEClient(port: gateway.adminPort, path: "/api/events?types=request_completed,target_changed,stats")
                #expect(stream.head.status == 200)
                #expect(try gateway.get("/get").status == 200)
                let forwarded = try #require(stream.next("request_completed"))
                #expect(forwarded.json["status"] as? Int == 200)
                #expect(forwarded.json["target"] as? String == "127.0.0.1:\(target.dataPort)")
                #expect(forwarded.json["target_status"] as? Int == 200)
                #expect(forwarded.json["cause"] == nil)

                // Deregistered: the gateway answers 503 itself, and says why.
                #expect(try gateway.admin("DELETE", "/api/targets/127.0.0.1:\(target.dataPort)").status == 202)
                var sawTargetsChange = false
                let deadline = ContinuousClock.now + .seconds(5)
                while !sawTargetsChange, ContinuousClock.now < deadline, let event = stream.next("target_changed", timeout: .seconds(2)) {
                    let targets = event.json["targets"] as? [[String: Any]] ?? []
                    sawTargetsChange = targets.allSatisfy { ($0["state"] as? String) != "healthy" && ($0["state"] as? String) != "initial" }
                }
                #expect(sawTargetsChange)
                let none = try gateway.get("/get")
                #expect(none.status == 503)
                let answered = try #require(stream.next("request_completed"))
                #expect(answered.json["status"] as? Int == 503)
                #expect(answered.json["cause"] as? String == "no_targets")
                #expect(answered.json["target"] == nil)
                // The stats event counts both answers by status.
                var statuses: [String: Int] = [:]
                while statuses["503"] == nil, let stats = stream.next("stats", timeout: .seconds(3)) {
                    for (code, count) in stats.json["statuses"] as? [String: Int] ?? [:] { statuses[code, default: 0] += count }
                }
                #expect(statuses["200"] == 1 && statuses["503"] == 1)
                stream.close()
            }
        }
    }

    @Test func servesTheGatewayPageAndTheAPIIndex() async throws {
        try await withTestGateway(makeGatewayConfig()) { (gateway: TestGateway) async throws in
            let page = try RawClient.get("/", port: gateway.adminPort)
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.bodyText.contains(#"data-testid="target-list""#))
            let api = try RawClient.get("/api", port: gateway.adminPort)
            #expect(api.bodyText.contains("/api/events"))
            #expect(try RawClient.get("/../Package.swift", port: gateway.adminPort).status == 404)
        }
    }
}
