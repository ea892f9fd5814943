import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// The client connection through the gateway stays in step whatever the answer's shape or
/// the client's pace: pipelining, bodiless statuses, a slow reader, a client that leaves
/// mid-body, a slow but steady sender.
@Suite struct GatewayConnectionTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("GET /status/201 HTTP/1.1\r\nHost: a\r\n\r\nHEAD /get HTTP/1.1\r\nHost: a\r\n\r\nGET /status/202 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 201)
                #expect(try client.readResponse(forHead: true).status == 200)
                #expect(try client.readResponse().status == 202)
            }
        }
    }

    @Test(arguments: [204, 304])
    func bodilessStatusesKeepTheConnectionInStep(_ status: Int) async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("GET /status/\(status) HTTP/1.1\r\nHost: a\r\n\r\n")
                let first = try client.readResponse()
                #expect(first.status == status && first.header("Transfer-Encoding") == nil)
                try client.send("GET /status/200 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
        }
    }

    /// 1 MiB to an HTTP/1.0 client with a tiny receive window that starts reading late: the
    /// gateway holds the target back (backpressure) and every byte arrives before the close.
    @Test func aSlowReaderGetsTheWholeBody() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort])) { (gateway: TestGateway) async throws in
                let client = try RawClient(port: gateway.port, receiveBuffer: 4096)
                try client.send("GET /bytes/1048576 HTTP/1.0\r\nHost: a\r\n\r\n")
                usleep(300_000)
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.body.count == 1_048_576)
            }
        }
    }

    @Test func aClientLeavingMidBodyLeavesThePoolUsable() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort]) { $0.idleTimeout = ConfigDuration(.seconds(3)) }) { (gateway: TestGateway) async throws in
                let leaving = try gateway.client()
                try leaving.send("GET /drip?duration=1&numbytes=5&delay=0 HTTP/1.1\r\nHost: a\r\n\r\n")
                _ = try leaving.readResponse(forHead: true)
                leaving.reset()
                let started = ContinuousClock.now
                #expect(try gateway.get("/get").status == 200)
                #expect(ContinuousClock.now - started < .seconds(2), "no stale connection waited out the idle timeout")
            }
        }
    }

    /// ALB's 408 is for a client that "did not send data before the idle timeout": a body
    /// sent a byte every 0.4 s against a 1 s idle timeout takes 2.4 s and still goes through.
    @Test func aSlowButSteadySenderIsNotTimedOut() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort]) { $0.idleTimeout = ConfigDuration(.seconds(1)) }) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("POST /anything HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n")
                for byte in "steady" {
                    usleep(400_000)
                    try client.send(String(byte))
                }
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.bodyText.contains("c3RlYWR5"), "the whole body (base64 of steady) reached the target")
            }
        }
    }

    @Test func aSilentClientGets408() async throws {
        try await withTestGateway(makeGatewayConfig { $0.idleTimeout = ConfigDuration(.seconds(1)) }) { (gateway: TestGateway) async throws in
            let client = try gateway.client()
            try client.send("GET /anything HTTP/1.1\r\nHost: a\r\nX-Half")
            #expect(try client.readResponse().status == 408, "a head not finished within the idle timeout")
        }
    }

    /// ALB's client keepalive duration: an older connection gets `Connection: close` on its
    /// next response (1 s here; ALB allows 60 s at least, so the config refuses less).
    @Test func aConnectionPastTheClientKeepaliveIsClosed() async throws {
        try await withTestServer { (target: TestServer) async throws in
            try await withTestGateway(makeGatewayConfig(targets: [target.dataPort]) { $0.clientKeepalive = ConfigDuration(.seconds(1)) }) { (gateway: TestGateway) async throws in
                let client = try gateway.client()
                try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try client.readResponse().header("Connection") == nil)
                usleep(1_100_000)
                try client.send("GET /get HTTP/1.1\r\nHost: a\r\n\r\n")
                let last = try client.readResponse()
                #expect(last.status == 200 && last.header("Connection") == "close")
                #expect(client.waitForEnd() == .eof)
            }
        }
    }

    /// "failed to establish a connection to the target before the connection timeout
    /// expired": 504. The target's accept queue is full, so its kernel drops the SYN.
    @Test func aTargetThatCannotBeConnectedIs504() async throws {
        let full = try ListeningSocket(address: ListenAddress(host: "127.0.0.1", port: 0), backlog: 1)
        defer { full.close() }
        let address = try SocketAddress(resolving: ListenAddress(host: "127.0.0.1", port: full.boundAddress.port))
        let fillers = try (0..<4).map { _ in try TCPStream.connect(to: address).stream }
        defer { fillers.forEach { $0.close() } }
        try await withTestGateway(makeGatewayConfig(targets: [full.boundAddress.port]) {
            $0.connectTimeout = ConfigDuration(.milliseconds(300))
        }) { (gateway: TestGateway) async throws in
            let started = ContinuousClock.now
            #expect(try gateway.get("/").status == 504)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            let line = try #require(gateway.waitForAccessLog(count: 1).first)
            #expect(line[8] == "504" && line[9] == "-")
        }
    }

    @Test func metricsCountRequestsByStatusAndCause() async throws {
        try await withTestGateway(makeGatewayConfig()) { (gateway: TestGateway) async throws in
            _ = try gateway.get("/")
            _ = gateway.waitForAccessLog(count: 1)
            let metrics = try gateway.admin("GET", "/metrics").bodyText
            #expect(metrics.contains(#"understudy_gateway_requests_total{elb_status_code="503",target_status_code="-"} 1"#))
            #expect(metrics.contains(#"understudy_gateway_errors_total{cause="no_targets",status="503"} 1"#))
        }
    }
}
