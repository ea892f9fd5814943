import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// The gateway's HTTPS listener (ALB's HTTPS listener): TLS ends at the gateway, the target
/// hears plain HTTP with `X-Forwarded-Proto: https` and the HTTPS port, and the access log's
/// `type` and request URL say https.
@Suite struct GatewayTLSTests {
    @Test func anHTTPSListenerForwardsWithProtoHTTPS() async throws {
        guard let curl = ExternalTool.require("curl") else { return }
        try await withTestServer { (target: TestServer) async throws in
            let config = makeGatewayConfig(targets: [target.dataPort]) { config in
                config.tls.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
                config.tls.selfSigned = true
            }
            try await withTestGateway(config) { (gateway: TestGateway) async throws in
                let port = try #require(gateway.tlsPort)
                let result = try ExternalTool.run(curl, ["-sS", "-k", "--max-time", "5", "https://127.0.0.1:\(port)/headers"])
                try #require(result.status == 0, "\(result.stderr)")
                let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                let headers = try #require(seen["headers"] as? [String: [String]])
                #expect(headers["X-Forwarded-Proto"] == ["https"])
                #expect(headers["X-Forwarded-Port"] == [String(port)])

                let line = try #require(gateway.waitForAccessLog(count: 1).first)
                #expect(line[0] == "https", "ALB's type field")
                #expect(line[12] == "GET https://127.0.0.1:\(port)/headers HTTP/1.1")
                // The plain listener next to it still says http.
                #expect(try gateway.get("/get").status == 200)
            }
        }
    }

    /// `target_protocol: https`: requests and health checks go to the target over TLS (its
    /// self-signed certificate accepted, as ALB accepts any); the target sees https.
    @Test func targetsCanBeSpokenToOverHTTPS() async throws {
        let targetConfig = makeTestConfig { config in
            config.tls.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
            config.tls.selfSigned = true
        }
        try await withTestServer(targetConfig) { (target: TestServer) async throws in
            let config = makeGatewayConfig(targets: [try #require(target.tlsPort)]) { config in
                config.targetProtocol = .https
                config.healthCheck.path = "/health"
            }
            try await withTestGateway(config) { (gateway: TestGateway) async throws in
                let healthy = await gateway.output.waitForEvents("target_health_changed")
                #expect(healthy.first?["to"] as? String == "healthy", "the health check passed over TLS: \(healthy)")
                // The target's port speaks only TLS: plain HTTP there would get its 400.
                for _ in 0..<3 {   // a pooled TLS connection carries the later ones
                    #expect(try gateway.get("/get").status == 200)
                }
                #expect(target.server.dataPlane.stats.reduce(0) { $0 + $1.requestsServed } >= 3)
                let line = try #require(gateway.waitForAccessLog(count: 3).last)
                #expect(line[8] == "200" && line[9] == "200")
            }
        }
    }

    @Test func configNamesTheGatewaysTLSKeys() {
        var config = UnderstudyConfig()
        config.gateway.tls.listen = [ListenAddress(host: "127.0.0.1", port: 8443)]
        #expect(config.validationIssues().map(\.key) == ["gateway.tls.cert", "gateway.tls.key"])
        var tls = TLSConfig()
        tls.cert = "/nonexistent/cert.pem"
        tls.key = "/nonexistent/key.pem"
        do { _ = try tls.makeContext(section: "gateway.tls"); Issue.record("a missing certificate was accepted") } catch {
            #expect(error.key == "gateway.tls.cert" && error.reason.contains("/nonexistent/cert.pem"), "\(error)")
        }
    }
}
