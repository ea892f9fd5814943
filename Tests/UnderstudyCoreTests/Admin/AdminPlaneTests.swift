import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

@Suite struct AdminPlaneTests {
    func json(_ response: RawClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    func request(_ server: TestServer, _ method: String, _ path: String, body: String = "", headers: String = "") throws -> RawClient.Response {
        let client = try server.adminClient()
        try client.send("\(method) \(path) HTTP/1.1\r\nHost: a\r\n\(headers)Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        return try client.readResponse()
    }

    @Test func stateReportsListenersConnectionsAndHealth() async throws {
        try await withTestServer { server in
            let idle = try server.client()
            try idle.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try idle.readResponse()
            // The loop counts the connection idle just after the response left; wait for that.
            #expect(try await waitForState(server) { $0.connections.keepaliveIdle == 1 })
            let state = json(try request(server, "GET", "/api/state"))
            let listeners = state["listeners"] as? [[String: Any]] ?? []
            #expect(listeners.map { $0["plane"] as? String } == ["data", "admin"])
            #expect(listeners.first?["address"] as? String == "127.0.0.1:\(server.dataPort)")
            let connections = state["connections"] as? [String: Any] ?? [:]
            #expect(connections["keepalive_idle"] as? Int == 1)
            #expect(connections["open"] as? Int == 1)
            #expect((state["traffic"] as? [String: Any])?["requests_served"] as? Int == 1)
            #expect((state["health"] as? [String: Any])?["status"] as? Int == 200)
            #expect(state["uptime_seconds"] is Double)
        }
    }

    @Test func metricsUsePrometheusTextFormat() async throws {
        try await withTestServer { server in
            _ = try RawClient.get("/health", port: server.dataPort)
            _ = await server.output.waitForEvents("request_completed")
            let metrics = try request(server, "GET", "/metrics")
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
            let text = metrics.bodyText
            #expect(text.contains(#"understudy_http_requests_total{plane="data",method="GET",route="/health",status="200"} 1"#))
            #expect(text.contains("understudy_http_request_duration_seconds_bucket"))
            #expect(text.contains(#"understudy_http_connections{plane="data",state="keepalive_idle"}"#))
            #expect(text.contains("understudy_http_received_bytes_total"))
            // The close is counted once the client has gone too: poll for it (bounded).
            let closed = #"understudy_http_connections_closed_total{plane="data",reason="server_close"} 1"#
            var closedText = text
            let deadline = ContinuousClock.now + .seconds(5)
            while !closedText.contains(closed) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
                closedText = try request(server, "GET", "/metrics").bodyText
            }
            #expect(closedText.contains(closed))
        }
    }

    @Test func healthCanBeChangedAndRestoredAtRunTime() async throws {
        try await withTestServer { server in
            let changed = try request(server, "PUT", "/api/health", body: #"{"status":503,"body":"down"}"#)
            #expect(changed.status == 200)
            #expect(json(changed)["status"] as? Int == 503)
            let down = try RawClient.get("/health", port: server.dataPort)
            #expect(down.status == 503)
            #expect(down.bodyText == "down")
            let ready = try RawClient.get("/readyz", port: server.dataPort)
            #expect(ready.status == 503)
            #expect(try RawClient.get("/livez", port: server.dataPort).status == 200)

            _ = try request(server, "PUT", "/api/health", body: #"{"delay":"150ms"}"#)
            let started = ContinuousClock.now
            let slow = try RawClient.get("/health", port: server.dataPort)
            #expect(slow.status == 503, "PUT merges: the status stays")
            #expect(ContinuousClock.now - started >= .milliseconds(140))

            let restored = try request(server, "DELETE", "/api/health")
            #expect(json(restored)["status"] as? Int == 200)
            #expect(try RawClient.get("/health", port: server.dataPort).status == 200)
        }
    }

    @Test(arguments: [
        (#"{"status":"x"}"#, "status"), (#"{"status":700}"#, "status"), (#"{"delay":"5 s"}"#, "delay"),
        (#"{"colour":1}"#, "colour"), ("not json", nil),
    ])
    func badHealthChangesAreRefusedWithTheField(_ body: String, _ field: String?) async throws {
        try await withTestServer { server in
            let response = try request(server, "PUT", "/api/health", body: body)
            #expect(response.status == 400)
            #expect(json(response)["field"] as? String == field)
            #expect(json(response)["error"] is String)
        }
    }

    @Test func tokenIsRequiredWhenConfigured() async throws {
        let config = makeTestConfig { $0.admin.token = "s3cret" }
        try await withTestServer(config) { server in
            let missing = try request(server, "GET", "/api/state")
            #expect(missing.status == 401)
            #expect(json(missing)["field"] as? String == "Authorization")
            #expect(try request(server, "GET", "/api/state", headers: "Authorization: Bearer wrong\r\n").status == 401)
            #expect(try request(server, "GET", "/api/state", headers: "Authorization: Bearer s3cret\r\n").status == 200)
            #expect(try request(server, "GET", "/metrics?access_token=s3cret").status == 200)
        }
    }

    @Test func adminAnswersWhileDataPlaneIsAtItsConnectionLimit() async throws {
        let config = makeTestConfig { $0.server.limits.connections = 1 }
        try await withTestServer(config) { server in
            let holder = try server.client()
            try holder.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try holder.readResponse()
            #expect(try request(server, "GET", "/api/state").status == 200)
        }
    }
}
