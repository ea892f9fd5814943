import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// `config/scenarios/slow-sqs-504.yaml` and `keepalive-race-502.yaml` (PRODUCT.md,
/// incidents 1 and 3): each file holds the target (`serve`) and the gateway; as shipped they
/// load with the real durations, and scaled down they show the 504 and the 502s.
struct GatewayScenarioTests {
    static func scenario(_ name: String) -> String {
        ConfigPaths.repositoryRoot.appendingPathComponent("config/scenarios/\(name).yaml").path
    }

    /// The file's target and gateway on loopback ports chosen by the kernel, the gateway
    /// aimed at the target.
    static func run(_ config: UnderstudyConfig, _ body: (TestServer, TestGateway) async throws -> Void) async throws {
        var target = config
        target.server.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
        target.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
        target.server.loops = 1
        target.log.access = false
        try await withTestServer(target) { (server: TestServer) async throws in
            var gateway = config.gateway
            gateway.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
            gateway.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
            gateway.loops = 1
            gateway.targets = [ListenAddress(host: "127.0.0.1", port: server.dataPort)]
            try await withTestGateway(gateway) { (gateway: TestGateway) async throws in try await body(server, gateway) }
        }
    }

    @Test func theScenarioFilesLoadWithTheIncidentsSettings() throws {
        let slow = try loadConfig(file: Self.scenario("slow-sqs-504"))
        let rule = try FaultRule(parsing: try #require(slow.faults.rules.first), maxDelay: slow.faults.maxDelay.duration)
        #expect(rule.delay == .fixed(.seconds(60)) && rule.when == .afterEffect)
        #expect(slow.gateway.idleTimeout == ConfigDuration(.seconds(60)))
        #expect(slow.gateway.targets == slow.server.listen)

        let race = try loadConfig(file: Self.scenario("keepalive-race-502"))
        #expect(race.server.keepAlive.timeout == ConfigDuration(.seconds(5)))
        #expect(race.gateway.effectiveTargetIdleTimeout == .seconds(60))
        #expect(race.gateway.targets == race.server.listen)
    }

    /// Incident 1 scaled down: the gateway's idle timeout at ALB's minimum (1 s), the
    /// SendMessage delay cut to 2 s: 504 at 1 s, the message stored.
    @Test func slowSendMessageGives504AndStoresTheMessage() async throws {
        var config = try loadConfig(file: Self.scenario("slow-sqs-504"))
        guard case .object(var members) = config.faults.rules[0],
              let delay = members.firstIndex(where: { $0.key == "delay" }) else { Issue.record("no delay in the rule"); return }
        members[delay].value = .string("2s")
        config.faults.rules[0] = .object(members)
        config.gateway.idleTimeout = ConfigDuration(.seconds(1))
        try await Self.run(config) { target, gateway in
            let body = #"{"QueueUrl":"http://127.0.0.1:\#(target.dataPort)/000000000000/jobs","MessageBody":"hello"}"#
            let client = try gateway.client()
            try client.send("POST / HTTP/1.1\r\nHost: sqs\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n"
                + "Content-Type: application/x-amz-json-1.0\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(try client.readResponse().status == 504)
            let queue = try target.adminGet("/api/queues/jobs")
            #expect((try JSONSerialization.jsonObject(with: Data(queue.body)) as? [String: Any])?["visible"] as? Int == 1)
        }
    }

    /// Incident 3 at 1/10 scale: target keep-alive 0.5 s, the gateway's pooled connections
    /// kept 6 s, a request every 0.7 s on a pool of 2: about half the requests meet a
    /// connection the target has closed (502). With the fix (target keep-alive 7.5 s) none do.
    @Test(arguments: [(false, true), (true, false)])
    func steadyLightLoadSees502sUnlessTheTargetKeepsConnectionsLonger(_ fixed: Bool, _ expectsRace: Bool) async throws {
        var config = try loadConfig(file: Self.scenario("keepalive-race-502"))
        config.server.keepAlive.timeout = fixed ? ConfigDuration(.milliseconds(7500)) : ConfigDuration(.milliseconds(500))
        config.gateway.idleTimeout = ConfigDuration(.seconds(6))
        try await Self.run(config) { _, gateway in
            let load = LoadSettings(url: ClientURL(host: "127.0.0.1", port: gateway.port, target: "/get"),
                                    connections: 2, rate: 1 / 0.7, duration: .seconds(4), timeout: .seconds(2))
            let report = try LoadRunner.runBlocking(load, output: CapturedLines().writer, stop: StopSignal())
            let raced = report.statusCounts[502] ?? 0
            #expect(report.requests >= 4)
            if expectsRace {
                #expect(raced >= 2, "\(report.statusCounts)")
            } else {
                #expect(raced == 0, "\(report.statusCounts)")
            }
        }
    }
}
