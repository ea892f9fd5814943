import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// A test config with these rules (JSON, one per string) and a small `max_delay`.
func faultConfig(_ rules: [String], maxDelay: Duration = .seconds(2),
                 _ adjust: (inout UnderstudyConfig) -> Void = { _ in }) -> UnderstudyConfig {
    makeTestConfig { config in
        config.faults.maxDelay = ConfigDuration(maxDelay)
        config.faults.rules = rules.map(ruleValue)
        adjust(&config)
    }
}

func elapsed(_ body: () throws -> Void) rethrows -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return clock.now - start
}

/// Each action observed from the client's side, on real loopback sockets.
@Suite struct FaultInjectionTests {
    @Test func delayComesBeforeTheHandler() async throws {
        try await withTestServer(faultConfig([#"{"name":"slow","match":{"path":"/health"},"delay":"300ms"}"#])) { (server: TestServer) async throws in
            var response: RawClient.Response?
            let took = try elapsed { response = try RawClient.get("/health", port: server.dataPort) }
            #expect(response?.status == 200)
            #expect(took >= .milliseconds(300) && took < .seconds(2))
            let fired = await server.output.waitForEvents("fault_fired")
            #expect(fired.first?["rule"] as? String == "slow")
            #expect(fired.first?["action"] as? String == "delay")
            #expect(fired.first?["delay_ms"] as? Double == 300)
            let completed = await server.output.waitForEvents("request_completed")
            #expect(completed.first?["fault"] as? String == "slow")
        }
    }

    @Test func respondReplacesTheAnswer() async throws {
        let rule = #"{"name":"flaky","match":{"path":"/api/*","method":"GET"},"respond":{"status":503,"body":"unavailable","headers":{"Retry-After":"1"}}}"#
        try await withTestServer(faultConfig([rule])) { (server: TestServer) async throws in
            let response = try RawClient.get("/api/orders", port: server.dataPort)
            #expect(response.status == 503)
            #expect(response.bodyText == "unavailable")
            #expect(response.header("Retry-After") == "1")
            // Other methods and paths are not matched.
            let client = try server.client()
            try client.send("POST /api/orders HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            #expect(try client.readResponse().status == 404)
            #expect(try RawClient.get("/api/a/b", port: server.dataPort).status == 404)
        }
    }

    @Test func resetIsAConnectionReset() async throws {
        try await withTestServer(faultConfig([#"{"name":"cut","match":{"path":"/health"},"connection":"reset"}"#])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            let (bytes, ending) = client.readAll()
            #expect(bytes.isEmpty)
            #expect(ending == .reset)
            let completed = await server.output.waitForEvents("request_completed")
            #expect(completed.first?["status"] as? Int == 444)
        }
    }

    @Test func closeIsAFinWithoutResponse() async throws {
        try await withTestServer(faultConfig([#"{"name":"fin","match":{"path":"/health"},"connection":"close"}"#])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            let (bytes, ending) = client.readAll()
            #expect(bytes.isEmpty)
            #expect(ending == .eof)
        }
    }

    @Test func truncateDeliversExactlyThatManyBytes() async throws {
        try await withTestServer(faultConfig([#"{"name":"half","match":{"path":"/health"},"connection":{"truncate":{"bytes":25}}}"#])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            let (bytes, ending) = client.readAll()
            #expect(bytes.count == 25)
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(ending == .eof)
            let completed = await server.output.waitForEvents("request_completed")
            #expect(completed.first?["status"] as? Int == 200)
            #expect(completed.first?["bytes_out"] as? Int == 25)
        }
    }

    @Test func trickleSendsAFewBytesPerTick() async throws {
        try await withTestServer(faultConfig([#"{"name":"drip","match":{"path":"/livez"},"connection":{"trickle":{"bytes":40,"every":"50ms"}}}"#])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /livez HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            var reads = 0
            var result: (bytes: [UInt8], ending: RawClient.Ending)?
            let took = elapsed {
                while client.fill() == nil { reads += 1 }
                result = client.readAll()
            }
            // ~190 bytes at 40 per 50 ms: the whole response, in at least four reads over four ticks.
            let text = String(decoding: result?.bytes ?? [], as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.hasSuffix(#"{"status":"ok"}"#))
            #expect(reads >= 4)
            #expect(took >= .milliseconds(150))
        }
    }

    @Test func slowHeadHoldsTheStatusLine() async throws {
        try await withTestServer(faultConfig([#"{"name":"sh","match":{"path":"/livez"},"connection":{"slow_head":{"delay":"300ms"}}}"#])) { (server: TestServer) async throws in
            var response: RawClient.Response?
            let took = try elapsed { response = try RawClient.get("/livez", port: server.dataPort) }
            #expect(response?.status == 200)
            #expect(took >= .milliseconds(300))
        }
    }

    @Test func stallHoldsUntilMaxDelay() async throws {
        try await withTestServer(faultConfig([#"{"name":"hang","match":{"path":"/health"},"connection":"stall"}"#],
                                             maxDelay: .milliseconds(400))) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            var result: (bytes: [UInt8], ending: RawClient.Ending)?
            let took = elapsed { result = client.readAll() }
            #expect(result?.bytes.isEmpty == true)
            #expect(result?.ending == .eof)
            #expect(took >= .milliseconds(400))
            #expect((await server.output.waitForEvents("request_completed")).first?["status"] as? Int == 444)
        }
    }

    @Test func aStalledClientThatGivesUpIsLogged499() async throws {
        try await withTestServer(faultConfig([#"{"name":"hang","match":{"path":"/health"},"connection":"stall"}"#],
                                             maxDelay: .seconds(30))) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            _ = await server.output.waitForEvents("fault_fired")
            client.shutdownWrite()
            #expect(client.waitForEnd() == .eof)
            #expect((await server.output.waitForEvents("request_completed")).first?["status"] as? Int == 499)
        }
    }

    @Test func firstMatchingRuleWins() async throws {
        try await withTestServer(faultConfig([
            #"{"name":"off","match":{"path":"/health"},"respond":{"status":500},"enabled":false}"#,
            #"{"name":"first","match":{"path":"/health"},"respond":{"status":502}}"#,
            #"{"name":"second","match":{"path":"/health"},"respond":{"status":503}}"#,
        ])) { (server: TestServer) async throws in
            #expect(try RawClient.get("/health", port: server.dataPort).status == 502)
        }
    }

    @Test func limitStopsARuleAfterNFirings() async throws {
        try await withTestServer(faultConfig([#"{"name":"twice","match":{"path":"/health"},"respond":{"status":503},"limit":2}"#])) { (server: TestServer) async throws in
            let statuses = try (0..<4).map { _ in try RawClient.get("/health", port: server.dataPort).status }
            #expect(statuses == [503, 503, 200, 200])
            #expect(server.server.faults.rule(named: "twice")?.fired == 2)
        }
    }

    @Test func probabilityZeroNeverFiresAndOneAlwaysDoes() async throws {
        try await withTestServer(faultConfig([
            #"{"name":"never","match":{"path":"/health"},"respond":{"status":500},"probability":0}"#,
            #"{"name":"half","match":{"path":"/livez"},"respond":{"status":503},"probability":0.5}"#,
        ])) { (server: TestServer) async throws in
            for _ in 0..<20 { #expect(try RawClient.get("/health", port: server.dataPort).status == 200) }
            let statuses = try (0..<200).map { _ in try RawClient.get("/livez", port: server.dataPort).status }
            let failed = statuses.filter { $0 == 503 }.count
            #expect(failed > 60 && failed < 140)   // binomial(200, 0.5): ±5.6 σ
        }
    }

    @Test func headerAndQueryMatchers() async throws {
        try await withTestServer(faultConfig([
            #"{"name":"h","match":{"path":"/health","header":{"X-Env":"stag*"},"query":{"user":"4*"}},"respond":{"status":418}}"#,
        ])) { (server: TestServer) async throws in
            #expect(try RawClient.get("/health?user=42", port: server.dataPort, headers: "X-Env: staging\r\n").status == 418)
            #expect(try RawClient.get("/health?user=42", port: server.dataPort, headers: "X-Env: prod\r\n").status == 200)
            #expect(try RawClient.get("/health?user=7", port: server.dataPort, headers: "X-Env: staging\r\n").status == 200)
            #expect(try RawClient.get("/health", port: server.dataPort, headers: "X-Env: staging\r\n").status == 200)
        }
    }

    @Test func pathGlobsSeeThePercentDecodedPath() async throws {
        try await withTestServer(faultConfig([#"{"name":"sp","match":{"path":"/a b/*"},"respond":{"status":418}}"#])) { (server: TestServer) async throws in
            #expect(try RawClient.get("/a%20b/c?x=1", port: server.dataPort).status == 418)
        }
    }
}
