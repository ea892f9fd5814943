import Testing
import TestSupport
@testable import UnderstudyCore

/// The load generator's pool against a real server: reuse, reopening at the next turn,
/// timeouts, counts and percentiles.
@Suite struct LoadRunnerTests {
    static func settings(port: UInt16, path: String = "/get", _ adjust: (inout LoadSettings) -> Void = { _ in }) -> LoadSettings {
        var settings = LoadSettings(url: ClientURL(host: "127.0.0.1", port: port, target: path), connections: 2, rate: 40,
                                    duration: .seconds(1), timeout: .seconds(2))
        settings.json = true
        adjust(&settings)
        return settings
    }

    @Test func reusesItsConnectionsForManyRequests() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let lines = CapturedLines()
            let report = try await LoadGenerator.run(Self.settings(port: server.dataPort), output: lines.writer)
            // About rate × duration turns; on a slow machine some find their connection busy
            // or come due while the loop could not run.
            let turns = report.requests + report.skippedBusy + report.skippedLate
            #expect(turns >= 35 && turns <= 41 && report.requests >= 10, "about rate × duration: \(report.requests)")
            #expect(report.statusCounts == [200: report.requests])
            #expect(report.errorCounts.isEmpty)
            #expect(report.connectionsOpened == 2)
            #expect(report.reusedRequests == report.requests - 2)
            #expect(report.latencyMicroseconds(atPercentile: 50) > 0)
            #expect(report.latencyMicroseconds(atPercentile: 99) <= report.maxLatencyMicroseconds)
            #expect(report.exitCode == 0)
            let access = await server.output.waitForEvents("request_completed", count: report.requests)
            #expect(Set(access.compactMap { $0["connection_id"] as? Int }).count <= 2)
            let summary = try #require(lines.jsonLines("load_finished").first)
            #expect((summary["statuses"] as? [String: Int])?["200"] == report.requests)
            #expect(summary["connections_opened"] as? Int == 2)
            #expect((summary["latency_ms"] as? [String: Any])?["p99"] != nil)
        }
    }

    @Test func reopensAConnectionTheServerClosedOnlyAtItsNextTurn() async throws {
        let config = makeTestConfig { $0.server.keepAlive.timeout = ConfigDuration(.milliseconds(100)) }
        try await withTestServer(config) { (server: TestServer) async throws in
            // One connection, a turn every 800 ms: the server closes it 100 ms after each answer
            // (the margin leaves room for a slow run's late timers).
            let settings = Self.settings(port: server.dataPort) {
                $0.connections = 1
                $0.rate = 1.25
                $0.duration = .milliseconds(3_000)
            }
            let report = try await LoadGenerator.run(settings, output: CapturedLines().writer)
            #expect(report.requests == 4)
            #expect(report.statusCounts == [200: 4])
            #expect(report.errorCounts.isEmpty, "no request raced the server's close")
            #expect(report.serverCloses >= 3)
            #expect(report.connectionsOpened == 4, "one connection per turn, none in between")
            let access = await server.output.waitForEvents("request_completed", count: 4)
            #expect(Set(access.compactMap { $0["connection_id"] as? Int }).count == 4)
        }
    }

    @Test func countsTimeoutsAndBusyTurns() async throws {
        try await withTestServer { (server: TestServer) async throws in
            try adminRequest(server, "PUT", "/api/health", body: #"{"delay":"600ms"}"#)
            let settings = Self.settings(port: server.dataPort, path: "/health") {
                $0.connections = 1
                $0.rate = 5
                $0.duration = .milliseconds(1_000)
                $0.timeout = .milliseconds(300)
            }
            let report = try await LoadGenerator.run(settings, output: CapturedLines().writer)
            #expect(report.errorCounts["timeout"] ?? 0 >= 2)
            #expect(report.skippedBusy >= 2, "turns every 200 ms while each request waits 300 ms")
            #expect(report.statusCounts.isEmpty)
            #expect(report.exitCode == 1)
        }
    }
}
