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
