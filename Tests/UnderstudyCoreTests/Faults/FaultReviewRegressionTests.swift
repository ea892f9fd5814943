import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// Cases a review of the fault engine turned up, each observed from the client's side.
@Suite struct FaultReviewRegressionTests {
    /// A shaped answer sent from a timer completes once: the pipelined request behind it is answered.
    @Test func aPipelinedRequestAfterAShapedAnswerIsAnswered() async throws {
        let rule = #"{"name":"late-cut","match":{"path":"/livez"},"delay":"50ms","connection":{"truncate":{"bytes":100000}}}"#
        try await withTestServer(faultConfig([rule])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /livez HTTP/1.1\r\nHost: a\r\n\r\nGET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().bodyText == #"{"status":"ok"}"#)
            let completed = await server.output.waitForEvents("request_completed", count: 2)
            #expect(completed.map { $0["status"] as? Int } == [200, 200])
        }
    }

    /// Bytes from the client (here blank lines, which HTTP allows between requests) wake the
    /// connection, but a trickle still sends one burst per tick.
    @Test func trickleKeepsItsPaceWhileTheClientSends() async throws {
        let rule = #"{"name":"drip","match":{"path":"/livez"},"connection":{"trickle":{"bytes":50,"every":"100ms"}}}"#
        try await withTestServer(faultConfig([rule])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /livez HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let clock = ContinuousClock()
            let start = clock.now
            let fd = client.fd
            let senderDone = DispatchSemaphore(value: 0)
            Thread {
                for _ in 0..<40 {
                    _ = "\r\n".withCString { send(fd, $0, 2, Int32(MSG_NOSIGNAL)) }
                    usleep(10_000)
                }
                senderDone.signal()
            }.start()
            defer { senderDone.wait() }   // the socket outlives the sender
            let (bytes, _) = client.readAll()
            // ~190 bytes in bursts of 50: the last burst leaves three ticks after the first.
            #expect(bytes.count > 150)
            #expect(clock.now - start >= .milliseconds(300))
        }
    }

    /// `X-Understudy-Delay` delays, and the rules still apply after it.
    @Test func clientHeadersDoNotSkipTheRules() async throws {
        try await withTestServer(faultConfig([#"{"name":"cut","match":{"path":"/health"},"connection":"reset"}"#])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\nX-Understudy-Delay: 100ms\r\n\r\n")
            var ending: RawClient.Ending?
            let took = elapsed { ending = client.readAll().ending }
            #expect(ending == .reset)
            #expect(took >= .milliseconds(100))
            let fired = await server.output.waitForEvents("fault_fired", count: 2)
            #expect(fired.compactMap { $0["rule"] as? String } == ["X-Understudy-Delay", "cut"])
        }
    }

    /// A request held by `after_effect` counts as `delayed`, not `writing`.
    @Test func aHeldAnswerCountsAsDelayed() async throws {
        let rule = #"{"name":"hold","match":{"path":"/livez"},"delay":"1s","when":"after_effect"}"#
        try await withTestServer(faultConfig([rule])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /livez HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await waitForState(server) { $0.connections.delayed == 1 })
            #expect(server.server.stateSnapshot().connections.writing == 0)
            #expect(try client.readResponse().status == 200)
        }
    }

    /// A client that half-closed before its stall began has given up: closed, logged 499.
    @Test func aStallAfterTheClientsFinEndsAtOnce() async throws {
        let rule = #"{"name":"hang","match":{"path":"/health"},"delay":"100ms","connection":"stall"}"#
        try await withTestServer(faultConfig([rule], maxDelay: .seconds(30))) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            client.shutdownWrite()
            var ending: RawClient.Ending?
            let took = elapsed { ending = client.waitForEnd() }
            #expect(ending == .eof)
            #expect(took < .seconds(5))
            #expect((await server.output.waitForEvents("request_completed")).first?["status"] as? Int == 499)
        }
    }

    /// Canned headers go out in the order they were written, and come back in it.
    @Test func cannedHeadersKeepTheirOrder() async throws {
        try await withTestServer(faultConfig([])) { (server: TestServer) async throws in
            let body = #"{"name":"h","match":{"path":"/health"},"respond":{"status":503,"headers":{"X-Zulu":"1","X-Alpha":"2"}}}"#
            let admin = try server.adminClient()
            try admin.send("POST /api/faults HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(try admin.readResponse().bodyText.contains(#""headers":{"X-Zulu":"1","X-Alpha":"2"}"#))
            let response = try RawClient.get("/health", port: server.dataPort)
            let names = response.headers.map(\.0).filter { $0.hasPrefix("X-") && $0 != "X-Request-Id" }
            #expect(names == ["X-Zulu", "X-Alpha"])
        }
    }

    @Test func framingHeadersCannotBeCanned() {
        #expect(throws: FaultRuleError.self) {
            try FaultRule(parsing: ruleValue(#"{"name":"x","respond":{"headers":{"Transfer-Encoding":"chunked"}}}"#),
                          maxDelay: .seconds(60))
        }
    }

    /// A loop's cached clock may be a moment older than a rule made during its pass.
    @Test func aScheduleNeverStartsBeforeItsRule() {
        var rule = FaultRule(name: "later")
        rule.schedule = FaultSchedule(after: .seconds(30))
        let active = ActiveFaultRule(rule, epoch: 1_000_000_000)
        #expect(!active.isActive(now: 999_999_000))
        #expect(active.isActive(now: 31_000_000_000))
    }
}

/// YAML scalars that look like numbers or booleans keep their text where text is matched.
@Suite struct FaultRuleYAMLTests {
    @Test func valueGlobsKeepTheTextAsWritten() throws {
        let path = NSTemporaryDirectory() + "understudy-yaml-scalars-\(getpid()).yaml"
        try """
            faults:
              rules:
              - name: build
                match: {header: {X-Build: 007, X-Flag: yes, X-Hex: 0x1F}, query: {n: 1e3}}
                respond: {status: 503, headers: {X-Version: 2.10}}
                enabled: yes
                probability: 0.50
            """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try ConfigLoader.load(file: path, environment: [:], overrides: [])
        let rule = try FaultRule(parsing: config.faults.rules[0], maxDelay: .seconds(600))
        #expect(rule.match.headers.map { $0.value.description } == ["007", "yes", "0x1F"])
        #expect(rule.match.headers.map(\.name) == ["X-Build", "X-Flag", "X-Hex"])   // order as written
        #expect(rule.match.query.first?.value.description == "1e3")
        #expect(rule.enabled && rule.probability == 0.5)
        guard case .respond(let canned) = rule.action else { Issue.record("no respond"); return }
        #expect(canned.headers.first?.value == "2.10")
    }
}

@Suite struct JSONParsingTests {
    @Test(arguments: [
        (#"{"b":1,"a":[true,false,null,"x\u00e9\ud83d\ude00\n"],"c":-0.5e2}"#, #"{"b":1,"a":[true,false,null,"xé😀\n"],"c":-50}"#),
        (#"  [ ]  "#, "[]"),
        (#"{"a":1,"a":2}"#, #"{"a":2}"#),
        (#""\"\\\/\b\f\r\t""#, #""\"\\/\b\f\r\t""#),
    ])
    func parses(_ json: String, _ rendered: String) {
        #expect(JSONValue.parse(json: Array(json.utf8))?.jsonText == rendered)
    }

    @Test(arguments: ["", "{", #"{"a"}"#, #"{"a":1,}"#, "[1,]", "01", "1.", "-", ".5", "1e", "tru", #""\x""#,
                      "\"a\u{1}\"", #""\ud800""#, "[1] 2", "NaN", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)])
    func refuses(_ json: String) {
        #expect(JSONValue.parse(json: Array(json.utf8)) == nil)
    }
}
