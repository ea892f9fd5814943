import Testing
import TestSupport
@testable import UnderstudyCore

/// The probe against the connection models (issue 6), scaled down (4 workers, keep-alive
/// 2 s, probe timeout 0.3 s): idle keep-alive clients make prefork's health checks time out
/// until their keep-alive expires; event's are unaffected; a TCP check stays green while
/// prefork is starved, which is why an NLB's default check never notices.
@Suite struct ProbeStarvationTests {
    func makeConfig(_ model: ServerModel, keepAlive: Duration = .seconds(2)) -> UnderstudyConfig {
        makeTestConfig { config in
            config.server.model = model
            config.server.workers = 4
            config.server.keepAlive.timeout = ConfigDuration(keepAlive)
        }
    }

    @Test func preforkChecksTimeOutWhileIdleConnectionsHoldEveryWorkerThenRecover() async throws {
        try await withTestServer(makeConfig(.prefork)) { (server: TestServer) async throws in
            let idle = try server.idleKeepAliveClients(count: 4)
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.interval = .milliseconds(200)
                $0.timeout = .milliseconds(600)
                $0.duration = .seconds(4)
            }
            let lines = CapturedLines()
            let writer = lines.writer
            let run = BackgroundRun { try ProbeRunner.runBlocking(settings, output: writer, stop: StopSignal()) }
            #expect(lines.waitFor(#""to":"unhealthy""#))
            // The keep-alive expires 2 s after the idle clients' answers; they close in turn.
            for client in idle {
                #expect(client.waitForEnd() == .eof)
                client.close()
            }
            #expect(lines.waitFor(#""to":"healthy""#))
            let report = try #require(try run.wait())
            #expect(report.wasMarkedUnhealthy)
            #expect(report.exitCode == 1)
            let failures = lines.jsonLines("check").filter { $0["passed"] as? Bool == false }
            #expect(!failures.isEmpty && failures.allSatisfy { $0["error"] as? String == "timeout" })
        }
    }

    @Test func eventChecksPassWithTheSameIdleConnections() async throws {
        try await withTestServer(makeConfig(.event)) { (server: TestServer) async throws in
            let idle = try server.idleKeepAliveClients(count: 4)
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.interval = .milliseconds(100)
                $0.timeout = .seconds(1)
                $0.duration = .milliseconds(800)
            }
            let report = try await Prober.run(settings, output: CapturedLines().writer)
            #expect(report.checks >= 4 && report.passed == report.checks)
            #expect(report.exitCode == 0)
            _ = idle
        }
    }

    @Test func aTCPCheckStaysGreenWhilePreforkIsStarved() async throws {
        try await withTestServer(makeConfig(.prefork, keepAlive: .seconds(300))) { (server: TestServer) async throws in
            let idle = try server.idleKeepAliveClients(count: 4)
            let http = makeProbeSettings(port: server.dataPort) {
                $0.mode = .once
                $0.timeout = .milliseconds(300)
            }
            #expect(try await Prober.run(http, output: CapturedLines().writer).exitCode == 1)
            var tcp = http
            tcp.tcpOnly = true
            #expect(try await Prober.run(tcp, output: CapturedLines().writer).exitCode == 0)
            #expect(try server.workers()["free"] as? Int == 0)
            _ = idle
        }
    }
}
