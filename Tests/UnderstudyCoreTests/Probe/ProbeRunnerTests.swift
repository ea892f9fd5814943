import Testing
import TestSupport
@testable import UnderstudyCore

/// The checker against a real server on loopback: transitions, failure kinds, TCP checks.
@Suite struct ProbeRunnerTests {
    @Test func marksUnhealthyAfterFailuresAndHealthyAgainAfterSuccesses() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let lines = CapturedLines()
            let stop = StopSignal()
            let settings = makeProbeSettings(port: server.dataPort) { $0.healthyThreshold = 3 }
            let writer = lines.writer
            let run = BackgroundRun { try ProbeRunner.runBlocking(settings, output: writer, stop: stop) }
            #expect(lines.waitFor(#""to":"healthy""#))
            try adminRequest(server, "PUT", "/api/health", body: #"{"status":503}"#)
            #expect(lines.waitFor(#""to":"unhealthy""#))
            try adminRequest(server, "DELETE", "/api/health")
            #expect(lines.waitFor(#""to":"healthy""#, count: 2))
            stop.stop()
            let result = try #require(try run.wait())
            #expect(result.transitions == [
                ProbeTransition(from: .initial, to: .healthy, consecutive: 1),
                ProbeTransition(from: .healthy, to: .unhealthy, consecutive: 2),
                ProbeTransition(from: .unhealthy, to: .healthy, consecutive: 3),
            ])
            #expect(result.wasMarkedUnhealthy)
            #expect(result.exitCode == 1, "ever marked unhealthy")
            let checks = lines.jsonLines("check")
            #expect(checks.contains { $0["status"] as? Int == 503 && $0["passed"] as? Bool == false })
            #expect(checks.allSatisfy { $0["latency_ms"] is Double || $0["latency_ms"] is Int })
            #expect(lines.jsonLines("probe_finished").first?["exit_code"] as? Int == 1)
            // Each check opened its own connection (ALB closes them after each check).
            let access = server.output.events("request_completed").filter { $0["path"] as? String == "/health" }
            #expect(Set(access.compactMap { $0["connection_id"] as? Int }).count == access.count)
        }
    }

    @Test func staysHealthyAndExitsZeroWhenTheDurationEnds() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.interval = .milliseconds(50)
                $0.duration = .milliseconds(300)
            }
            let started = ContinuousClock.now
            let report = try await Prober.run(settings, output: CapturedLines().writer)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(report.finalHealth == .healthy)
            // 6 slots; on a slow run (TSan) a late loop skips missed ones rather than bursting.
            #expect(report.checks >= 1 && report.checks <= 7 && report.checks == report.passed)
            #expect(report.exitCode == 0)
        }
    }

    @Test func aSlowAnswerIsATimeout() async throws {
        try await withTestServer { (server: TestServer) async throws in
            try adminRequest(server, "PUT", "/api/health", body: #"{"delay":"1s"}"#)
            let lines = CapturedLines()
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.mode = .once
                $0.timeout = .milliseconds(300)
            }
            let report = try await Prober.run(settings, output: lines.writer)
            #expect(report.exitCode == 1)
            let check = try #require(lines.jsonLines("check").first)
            #expect(check["error"] as? String == "timeout")
            let latency = try #require(check["latency_ms"] as? Double)
            #expect(latency >= 300 && latency < 1_000)
        }
    }

    @Test func nothingListeningIsConnectionRefused() async throws {
        let lines = CapturedLines()
        let refusing = RefusingPort()
        var settings = makeProbeSettings(port: refusing.port) {
            $0.json = false
            $0.interval = .milliseconds(50)
        }
        settings.duration = .milliseconds(400)
        let report = try await Prober.run(settings, output: lines.writer)
        #expect(lines.lines.contains { $0.contains("check  connection refused  fail") })
        #expect(lines.lines.contains { $0.contains("transition  initial -> unhealthy after 2 consecutive failures") })
        #expect(report.finalHealth == .unhealthy)
        #expect(report.exitCode == 1)
        withExtendedLifetime(refusing) {}
    }

    @Test func tcpChecksPassOnTheHandshakeAlone() async throws {
        try await withTestServer { (server: TestServer) async throws in
            try adminRequest(server, "PUT", "/api/health", body: #"{"status":503}"#)
            let lines = CapturedLines()
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.tcpOnly = true
                $0.mode = .once
            }
            let report = try await Prober.run(settings, output: lines.writer)
            #expect(report.exitCode == 0, "a TCP check ignores the 503 health answer")
            #expect(lines.jsonLines("check").first?["result"] as? String == "connected")
        }
    }

    @Test func keepAliveChecksReuseOneConnection() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.keepAlive = true
                // Wide enough that a check ends before the next begins even under Thread
                // Sanitizer on a loaded machine (a busy kept connection is not reused).
                $0.interval = .seconds(1)
                $0.timeout = .milliseconds(900)
                $0.duration = .milliseconds(2500)
            }
            let lines = CapturedLines()
            let report = try await Prober.run(settings, output: lines.writer)
            #expect(report.exitCode == 0)
            #expect(lines.jsonLines("check").dropFirst().allSatisfy { $0["reused_connection"] as? Bool == true })
            let access = await server.output.waitForEvents("request_completed", count: report.checks)
            #expect(Set(access.compactMap { $0["connection_id"] as? Int }).count == 1)
        }
    }

    @Test func failuresInsideTheGracePeriodDoNotCount() async throws {
        let lines = CapturedLines()
        let refusing = RefusingPort()
        let settings = makeProbeSettings(port: refusing.port) {
            $0.interval = .milliseconds(50)
            $0.grace = .seconds(10)
            $0.duration = .milliseconds(300)
        }
        let report = try await Prober.run(settings, output: lines.writer)
        #expect(report.transitions.isEmpty)
        #expect(lines.jsonLines("check").allSatisfy { $0["in_grace"] as? Bool == true })
        #expect(report.exitCode == 1, "never became healthy")
        withExtendedLifetime(refusing) {}
    }
}
