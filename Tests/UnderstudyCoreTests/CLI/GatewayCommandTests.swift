import Foundation
import Testing
import TestSupport

/// `understudy gateway` as users run it: listening lines, a request through it to a real
/// target with its ALB access-log line, SIGTERM, and bad flags (exit 2 with the key named).
@Suite(.serialized) struct GatewayCommandTests {
    @Test func forwardsToItsTargetAndExitsZeroOnSigterm() async throws {
        try await withTestServer { (target: TestServer) async throws in
            let child = try BinaryProcess(["gateway", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                                           "--target", "127.0.0.1:\(target.dataPort)", "--health-interval", "200ms",
                                           "--health-timeout", "100ms"])
            defer { child.stop() }
            let port = try #require(await child.port(plane: "gateway"))
            let admin = try #require(await child.port(plane: "admin"))
            #expect(try RawClient.get("/get", port: port).status == 200)
            let targets = try RawClient.get("/api/targets", port: admin).bodyText
            #expect(targets.contains(#""target":"127.0.0.1:\#(target.dataPort)""#))
            child.signal(SIGTERM)
            #expect(await child.waitForExit() == 0)
        }
    }

    @Test(arguments: [
        (["--idle-timeout", "500ms"], "gateway.idle_timeout: expected a duration 1s-4000s"),
        (["--routing", "random"], "gateway.routing: expected round_robin or least_outstanding_requests"),
        (["--healthy-threshold", "1"], "gateway.health_check.healthy_threshold: expected an integer 2-10"),
        (["--health-interval", "5s", "--health-timeout", "5s"], "gateway.health_check.timeout: expected less than"),
        (["--matcher", "2xx"], "gateway.health_check.matcher"),
        (["--target", "nohost"], "gateway.targets"),
        (["--admin-listen", "0.0.0.0:9902"], "gateway.admin.token: required"),
    ])
    func badFlagsExitTwoNamingTheKey(_ flags: [String], _ message: String) async throws {
        let (status, _, stderr) = try await BinaryProcess.run(["gateway", "--listen", "127.0.0.1:0"] + flags)
        #expect(status == 2)
        #expect(stderr.contains(message), "\(stderr)")
    }
}
