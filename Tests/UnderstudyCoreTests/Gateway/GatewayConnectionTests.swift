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
}
