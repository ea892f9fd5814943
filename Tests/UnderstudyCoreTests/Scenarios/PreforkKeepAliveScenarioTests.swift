import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// `config/scenarios/prefork-keepalive-restarts.yaml` and `prefork-keepalive-fixed.yaml`
/// (PRODUCT.md, incident 2): the files as shipped load with the incident's real settings,
/// and, scaled down, a pool of keep-alive connections starves the health check under the
/// first and not under the second.
struct PreforkKeepAliveScenarioTests {
    static func scenario(_ name: String) -> String {
        ConfigPaths.repositoryRoot.appendingPathComponent("config/scenarios/\(name).yaml").path
    }

    @Test func theScenarioFilesLoadWithTheIncidentsSettings() throws {
        let broken = try loadConfig(file: Self.scenario("prefork-keepalive-restarts"))
        #expect(broken.server.model == .prefork)
        #expect(broken.server.workers == 25)
        #expect(broken.server.keepAlive.timeout == ConfigDuration(.seconds(120)))
        #expect(broken.server.keepAlive.maxRequests == 500)
        #expect(broken.server.deferAccept)

        let fixed = try loadConfig(file: Self.scenario("prefork-keepalive-fixed"))
        var expected = broken
        expected.server.keepAlive.timeout = ConfigDuration(.seconds(2))
        #expect(fixed == expected)
    }
}

/// The scenarios run, time scaled by 1/10 and workers cut to 4: a load balancer's pool of 5
/// connections, each with a request every 0.5 s, holds every prefork worker under the
/// incident's keep-alive (12 s here) and the health check is marked unhealthy; under the
/// fix's (0.2 s) the connections close between requests and the check stays healthy.
extension PreforkKeepAliveScenarioTests {
    @Test(arguments: [("prefork-keepalive-restarts", true), ("prefork-keepalive-fixed", false)])
    func aPooledLoadStarvesTheHealthCheckUnlessKeepAliveIsShort(_ name: String, _ starves: Bool) async throws {
        var config = try loadConfig(file: Self.scenario(name))
        config.server.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
        config.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.server.loops = 1
        config.log.access = false
        config.server.workers = 4
        config.server.keepAlive.timeout = ConfigDuration(config.server.keepAlive.timeout.duration / 10)
        try await withTestServer(config) { (server: TestServer) async throws in
            let load = LoadSettings(url: ClientURL(host: "127.0.0.1", port: server.dataPort, target: "/get"),
                                    connections: 5, rate: 10, duration: .seconds(3), timeout: .seconds(1))
            let loadRun = BackgroundRun { try LoadRunner.runBlocking(load, output: CapturedLines().writer, stop: StopSignal()) }
            let probe = makeProbeSettings(port: server.dataPort) {
                $0.interval = .milliseconds(200)
                $0.timeout = .seconds(1)
                $0.duration = .seconds(3)
            }
            let probeRun = BackgroundRun { try ProbeRunner.runBlocking(probe, output: CapturedLines().writer, stop: StopSignal()) }
            let probeReport = try #require(try probeRun.wait())
            let loadReport = try #require(try loadRun.wait())
            #expect(probeReport.wasMarkedUnhealthy == starves)
            #expect(loadReport.connectionsOpened >= 5)
            if !starves {
                #expect(probeReport.exitCode == 0)
                #expect(loadReport.serverCloses > 0, "idle connections closed between requests")
            }
        }
    }
}
