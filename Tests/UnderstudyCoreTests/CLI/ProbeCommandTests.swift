import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `understudy probe` and `understudy load` through the built binary: exit codes, output,
/// SIGINT.
@Suite struct ProbeCommandTests {
    @Test func exitsZeroWhenTheTargetStaysHealthy() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let result = try await BinaryProcess.run([
                "probe", "http://127.0.0.1:\(server.dataPort)/health", "--interval", "2s", "--timeout", "1500ms",
                "--duration", "300ms",
            ])
            #expect(result.status == 0)
            #expect(result.stdout.contains("check  200  pass"))
            #expect(result.stdout.contains("transition  initial -> healthy after 1 consecutive success"))
        }
    }

    @Test func exitsOneWhenTheTargetIsMarkedUnhealthy() async throws {
        let config = makeTestConfig { $0.health.status = 503 }
        try await withTestServer(config) { (server: TestServer) async throws in
            let result = try await BinaryProcess.run([
                "probe", "http://127.0.0.1:\(server.dataPort)/health", "--profile", "k8s", "--interval", "1s",
                "--timeout", "900ms", "--unhealthy-threshold", "2", "--duration", "1500ms", "--json",
            ])
            #expect(result.status == 1)
            let transition = try #require(jsonLines(result.stdout, "transition").first)
            #expect(transition["from"] as? String == "initial" && transition["to"] as? String == "unhealthy")
            #expect(transition["consecutive"] as? Int == 2)
            #expect(jsonLines(result.stdout, "check").first?["status"] as? Int == 503)
        }
    }

    @Test func matcherDecidesWhatPasses() async throws {
        let config = makeTestConfig { $0.health.status = 503 }
        try await withTestServer(config) { (server: TestServer) async throws in
            let result = try await BinaryProcess.run([
                "probe", "--once", "--matcher", "200,500-503", "http://127.0.0.1:\(server.dataPort)/health",
            ])
            #expect(result.status == 0)
        }
    }

    @Test func onceExitsZeroOrOne() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let healthy = try await BinaryProcess.run(["probe", "--once", "http://127.0.0.1:\(server.dataPort)/health"])
            #expect(healthy.status == 0)
            let missing = try await BinaryProcess.run(["probe", "--once", "http://127.0.0.1:\(server.dataPort)/status/500"])
            #expect(missing.status == 1)
        }
        let refusing = RefusingPort()
        let refused = try await BinaryProcess.run(["probe", "--once", "http://127.0.0.1:\(refusing.port)/health"])
        withExtendedLifetime(refusing) {}
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("connection refused"))
    }

    @Test(arguments: [
        ["probe", "--bogus", "http://127.0.0.1:1/"],
        ["probe"],
        ["probe", "127.0.0.1:8080"],
        ["probe", "ftp://127.0.0.1/"],
        ["probe", "--interval", "5 s", "http://127.0.0.1:1/"],
        ["probe", "--timeout", "0s", "http://127.0.0.1:1/"],
        ["probe", "--interval", "1s", "--timeout", "1s", "http://127.0.0.1:1/"],
        ["load", "http://127.0.0.1:1/", "--connections", "10", "--rate", "0.0000001"],
        ["probe", "--profile", "nlb", "http://127.0.0.1:1/"],
        ["probe", "--matcher", "2xx", "http://127.0.0.1:1/"],
        ["probe", "--healthy-threshold", "0", "http://127.0.0.1:1/"],
        ["probe", "--tcp", "--keepalive", "http://127.0.0.1:1/"],
        ["probe", "--once", "--measure-keepalive", "http://127.0.0.1:1/"],
        ["probe", "--measure-keepalive", "--lb-idle-timeout", "x", "http://127.0.0.1:1/"],
        ["load", "http://127.0.0.1:1/", "--connections", "0"],
        ["load", "http://127.0.0.1:1/", "--rate", "0"],
        ["load", "http://127.0.0.1:1/", "--duration", "forever"],
        ["load", "--nope", "http://127.0.0.1:1/"],
    ])
    func badFlagsExitTwoWithOneLine(_ arguments: [String]) async throws {
        let result = try await BinaryProcess.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test func tcpCheckPassesWhereTheHTTPCheckFails() async throws {
        let config = makeTestConfig { $0.health.status = 503 }
        try await withTestServer(config) { (server: TestServer) async throws in
            let url = "http://127.0.0.1:\(server.dataPort)/health"
            #expect(try await BinaryProcess.run(["probe", "--once", url]).status == 1)
            let tcp = try await BinaryProcess.run(["probe", "--once", "--tcp", url])
            #expect(tcp.status == 0)
            #expect(tcp.stdout.contains("check  connected  pass"))
        }
    }

    @Test func measureKeepAliveWarnsBelowTheLoadBalancersIdleTimeout() async throws {
        let config = makeTestConfig { $0.server.keepAlive.timeout = ConfigDuration(.milliseconds(500)) }
        try await withTestServer(config) { (server: TestServer) async throws in
            let result = try await BinaryProcess.run([
                "probe", "--measure-keepalive", "--lb-idle-timeout", "60s", "--json", "http://127.0.0.1:\(server.dataPort)/health",
            ])
            #expect(result.status == 1)
            let line = try #require(jsonLines(result.stdout, "keepalive_measured").first)
            let measured = try #require(line["idle_timeout_ms"] as? Double)
            #expect(measured >= 450 && measured <= 900)
            #expect(line["shorter_than_lb"] as? Bool == true)
        }
    }

    @Test func sigintEndsTheRunWithItsSummary() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let child = try BinaryProcess(["probe", "--interval", "2s", "--timeout", "1500ms", "--json", "http://127.0.0.1:\(server.dataPort)/health"])
            defer { child.stop() }
            _ = await child.waitForEvents("transition")
            child.signal(SIGINT)
            #expect(await child.waitForExit() == 0)
            #expect(await child.waitForEvents("probe_finished").first?["health"] as? String == "healthy")
        }
    }

    @Test func loadPrintsCountsAndPercentiles() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let result = try await BinaryProcess.run([
                "load", "http://127.0.0.1:\(server.dataPort)/get", "--connections", "2", "--rate", "20", "--duration", "500ms", "--json",
            ])
            #expect(result.status == 0)
            let summary = try #require(jsonLines(result.stdout, "load_finished").first)
            let requests = try #require(summary["requests"] as? Int)
            // 10 turns in 500 ms; on a slow machine (TSan) some find their connection busy or
            // come too late to be sent.
            let skipped = try #require(summary["skipped_busy"] as? Int) + (try #require(summary["skipped_late"] as? Int))
            #expect(requests + skipped >= 8 && requests + skipped <= 10 && requests >= 1)
            #expect((summary["statuses"] as? [String: Int])?["200"] == requests)
            #expect(summary["connections_opened"] as? Int == 2)
            for key in ["p50", "p90", "p99", "max"] {
                #expect((summary["latency_ms"] as? [String: Any])?[key] != nil)
            }
        }
    }

    @Test func loadSkipsTurnsMissedWhileStoppedInsteadOfBursting() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let child = try BinaryProcess(["load", "http://127.0.0.1:\(server.dataPort)/get", "--connections", "2",
                                           "--rate", "20", "--duration", "2s", "--json"])
            defer { child.stop() }
            _ = await server.output.waitForEvents("request_completed", count: 2)
            child.signal(SIGSTOP)   // the stall itself: 600 ms in which 12 turns come due
            usleep(600_000)
            child.signal(SIGCONT)
            #expect(await child.waitForExit() == 0)
            let summary = try #require(jsonLines(child.standardOutput, "load_finished").first)
            let requests = try #require(summary["requests"] as? Int)
            let late = try #require(summary["skipped_late"] as? Int)
            let busy = try #require(summary["skipped_busy"] as? Int)
            #expect(late >= 6, "turns missed while stopped are skipped, not sent in a burst: \(late)")
            #expect(requests + late + busy >= 36 && requests + late + busy <= 40, "every turn counted once")
        }
    }

    @Test func loadSigintPrintsTheSummary() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let child = try BinaryProcess(["load", "http://127.0.0.1:\(server.dataPort)/get", "--rate", "20", "--duration", "1m"])
            defer { child.stop() }
            _ = await server.output.waitForEvents("request_completed", count: 3)
            child.signal(SIGINT)
            #expect(await child.waitForExit() == 0)
            let deadline = ContinuousClock.now + .seconds(5)   // the pipe handler may still be draining
            while !child.standardOutput.contains("latency p50") && ContinuousClock.now < deadline { usleep(5_000) }
            #expect(child.standardOutput.contains("load finished (interrupted)"))
            #expect(child.standardOutput.contains("status 200:"))
        }
    }
}

/// JSON lines in `text` whose `event` is `event`.
func jsonLines(_ text: String, _ event: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap { line in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              object["event"] as? String == event else { return nil }
        return object
    }
}
