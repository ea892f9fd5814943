import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/api/faults`: rules at run time, same JSON shape as the config, effective at once.
@Suite struct FaultsAPITests {
    func request(_ server: TestServer, _ method: String, _ path: String, body: String = "") throws -> RawClient.Response {
        let client = try server.adminClient()
        try client.send("\(method) \(path) HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        return try client.readResponse()
    }

    func json(_ response: RawClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    @Test func createReadReplaceDelete() async throws {
        try await withTestServer(faultConfig([])) { (server: TestServer) async throws in
            let rule = #"{"name":"down","match":{"path":"/health"},"respond":{"status":503}}"#
            let created = try request(server, "POST", "/api/faults", body: rule)
            #expect(created.status == 201)
            #expect(created.header("Location") == "/api/faults/down")
            #expect(created.bodyText == #"{"name":"down","match":{"path":"/health"},"respond":{"status":503},"enabled":true}"# + "\n")
            #expect(try RawClient.get("/health", port: server.dataPort).status == 503)   // the next request

            #expect(try request(server, "POST", "/api/faults", body: rule).status == 409)
            let listed = json(try request(server, "GET", "/api/faults"))
            #expect(listed["max_delay"] as? String == "2s")
            #expect((listed["rules"] as? [[String: Any]])?.map { $0["name"] as? String } == ["down"])
            #expect(json(try request(server, "GET", "/api/faults/down"))["name"] as? String == "down")

            // PUT replaces in place (the name may be left out of the body), or creates.
            let replaced = try request(server, "PUT", "/api/faults/down", body: #"{"match":{"path":"/health"},"respond":{"status":502}}"#)
            #expect(replaced.status == 200)
            #expect(try RawClient.get("/health", port: server.dataPort).status == 502)
            #expect(try request(server, "PUT", "/api/faults/other", body: #"{"delay":"1s","enabled":false}"#).status == 201)
            #expect(try request(server, "PUT", "/api/faults/other", body: #"{"name":"x","delay":"1s"}"#).status == 400)

            #expect(try request(server, "DELETE", "/api/faults/down").status == 200)
            #expect(try request(server, "GET", "/api/faults/down").status == 404)
            #expect(try request(server, "DELETE", "/api/faults/down").status == 404)
            #expect(try RawClient.get("/health", port: server.dataPort).status == 200)

            #expect(try request(server, "DELETE", "/api/faults").status == 200)
            #expect((json(try request(server, "GET", "/api/faults"))["rules"] as? [Any])?.isEmpty == true)
            #expect(try request(server, "PATCH", "/api/faults").status == 405)
        }
    }

    @Test(arguments: [
        (#"{"name":"x","delay":"3s"}"#, "delay", "above faults.max_delay (2s)"),
        (#"{"name":"x","connection":{"trickle":{"bytes":1}}}"#, "connection.trickle.every", "required"),
        (#"{"name":"x","respond":{"status":"503"}}"#, "respond.status", "expected an integer 100-599"),
        (#"not json"#, nil, "expected a JSON object"),
    ])
    func invalidRulesAre400WithFieldAndReason(_ body: String, _ field: String?, _ reason: String) async throws {
        try await withTestServer(faultConfig([])) { (server: TestServer) async throws in
            let response = try request(server, "POST", "/api/faults", body: body)
            #expect(response.status == 400)
            let error = json(response)
            #expect(error["field"] as? String == field)
            #expect((error["error"] as? String)?.contains(reason) == true, "\(response.bodyText)")
            #expect(server.server.faults.rules.isEmpty)
        }
    }

    /// A rule added with `schedule.after` waits that long from its creation.
    @Test func scheduleCountsFromCreation() async throws {
        try await withTestServer(faultConfig([])) { (server: TestServer) async throws in
            let clock = ContinuousClock()
            let created = clock.now
            #expect(try request(server, "POST", "/api/faults",
                                body: #"{"name":"later","match":{"path":"/health"},"respond":{"status":503},"schedule":{"after":"300ms","for":"10s"}}"#).status == 201)
            #expect(try RawClient.get("/health", port: server.dataPort).status == 200)
            var status = 200
            while status == 200 && clock.now - created < .seconds(3) {
                status = try RawClient.get("/health", port: server.dataPort).status
            }
            #expect(status == 503)
            #expect(clock.now - created >= .milliseconds(300))
        }
    }

    @Test func stateAndMetricsCountFirings() async throws {
        try await withTestServer(faultConfig([#"{"name":"down","match":{"path":"/health"},"respond":{"status":503},"limit":5}"#])) { (server: TestServer) async throws in
            for _ in 0..<2 { _ = try RawClient.get("/health", port: server.dataPort) }
            _ = await server.output.waitForEvents("fault_fired", count: 2)
            let faults = json(try request(server, "GET", "/api/state"))["faults"] as? [[String: Any]]
            #expect(faults?.first?["name"] as? String == "down")
            #expect(faults?.first?["fired"] as? Int == 2)
            #expect(faults?.first?["limit"] as? Int == 5)
            #expect(faults?.first?["active"] as? Bool == true)
            let metrics = try request(server, "GET", "/metrics").bodyText
            #expect(metrics.contains(#"understudy_fault_fired_total{rule="down"} 2"#))
        }
    }
}
