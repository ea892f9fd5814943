import Testing
import TestSupport
@testable import UnderstudyCore

/// `--measure-keepalive` against a server whose keep-alive timeout is known.
@Suite struct KeepAliveMeasurementTests {
    static let config = makeTestConfig { $0.server.keepAlive.timeout = ConfigDuration(.seconds(1)) }

    @Test func measuresTheServersKeepAliveTimeoutWithinTenPercentAndWarns() async throws {
        try await withTestServer(Self.config) { (server: TestServer) async throws in
            let lines = CapturedLines()
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.json = false
                $0.mode = .measureKeepAlive(lbIdleTimeout: .seconds(60), maxWait: .seconds(10))
            }
            let report = try await Prober.measureKeepAlive(settings, output: lines.writer)
            guard case .closedAfter(let nanoseconds, let how) = report.finding else {
                Issue.record("expected a close, got \(report.finding)")
                return
            }
            #expect(nanoseconds >= 900_000_000 && nanoseconds <= 1_100_000_000, "measured \(nanoseconds) ns")
            #expect(how == .endOfStream)
            #expect(report.isShorterThanLoadBalancer)
            #expect(report.exitCode == 1)
            #expect(lines.lines.contains { $0.contains("server closed the idle connection after") })
            #expect(lines.lines.contains { $0.contains("warning: shorter than the load balancer's idle timeout (1m)") })
        }
    }

    @Test func noWarningWhenTheServerOutlastsTheLoadBalancer() async throws {
        try await withTestServer(Self.config) { (server: TestServer) async throws in
            let lines = CapturedLines()
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.mode = .measureKeepAlive(lbIdleTimeout: .milliseconds(500), maxWait: .seconds(10))
            }
            let report = try await Prober.measureKeepAlive(settings, output: lines.writer)
            #expect(!report.isShorterThanLoadBalancer)
            #expect(report.exitCode == 0)
            let line = try #require(lines.jsonLines("keepalive_measured").first)
            let measured = try #require(line["idle_timeout_ms"] as? Double)
            #expect(measured >= 900 && measured <= 1_100)
            #expect(line["shorter_than_lb"] as? Bool == false)
        }
    }

    @Test func aConnectionStillOpenWhenTheWaitEndsBeforeTheLoadBalancersIsInconclusive() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let settings = makeProbeSettings(port: server.dataPort) {
                $0.mode = .measureKeepAlive(lbIdleTimeout: .seconds(60), maxWait: .milliseconds(200))
            }
            let report = try await Prober.measureKeepAlive(settings, output: CapturedLines().writer)
            guard case .stillOpen = report.finding else {
                Issue.record("expected still open, got \(report.finding)")
                return
            }
            #expect(report.isInconclusive)
            #expect(report.exitCode == 1)
        }
    }
}
