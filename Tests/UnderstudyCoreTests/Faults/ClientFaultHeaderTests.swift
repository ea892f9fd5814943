import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `X-Understudy-Delay` and `X-Understudy-Status`, and delays that never block the loop.
@Suite struct ClientFaultHeaderTests {
    @Test func delayHeaderDelaysAndStatusHeaderAnswers() async throws {
        try await withTestServer(faultConfig([])) { (server: TestServer) async throws in
            var response: RawClient.Response?
            let took = try elapsed {
                response = try RawClient.get("/health", port: server.dataPort, headers: "X-Understudy-Delay: 0.3\r\n")
            }
            #expect(response?.status == 200)
            #expect(took >= .milliseconds(300))
            #expect(try RawClient.get("/health", port: server.dataPort, headers: "x-understudy-status: 503\r\n").status == 503)
            let both = try elapsed {
                response = try RawClient.get("/livez", port: server.dataPort,
                                             headers: "X-Understudy-Delay: 200ms\r\nX-Understudy-Status: 429\r\n")
            }
            #expect(response?.status == 429)
            #expect(both >= .milliseconds(200))
            let fired = await server.output.waitForEvents("fault_fired", count: 3)
            #expect(fired.compactMap { $0["rule"] as? String }
                    == ["X-Understudy-Delay", "X-Understudy-Status", "X-Understudy-Status"])
        }
    }

    @Test(arguments: [
        ("X-Understudy-Delay: 3s", "X-Understudy-Delay 3s is above faults.max_delay (2s)"),
        ("X-Understudy-Delay: soon", "invalid X-Understudy-Delay"),
        ("X-Understudy-Delay: -1", "invalid X-Understudy-Delay"),
        ("X-Understudy-Status: 99", "invalid X-Understudy-Status"),
        ("X-Understudy-Status: teapot", "invalid X-Understudy-Status"),
    ])
    func badValuesAre400(_ header: String, _ detail: String) async throws {
        try await withTestServer(faultConfig([], maxDelay: .seconds(2))) { (server: TestServer) async throws in
            let response = try RawClient.get("/health", port: server.dataPort, headers: header + "\r\n")
            #expect(response.status == 400)
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(json?["status_code"] as? Int == 400)
            #expect((json?["detail"] as? String)?.contains(detail) == true, "\(response.bodyText)")
        }
    }

    @Test func headersAreIgnoredWhenDisabled() async throws {
        try await withTestServer(faultConfig([]) { $0.faults.clientHeaders = false }) { (server: TestServer) async throws in
            #expect(try RawClient.get("/health", port: server.dataPort, headers: "X-Understudy-Status: 503\r\n").status == 200)
        }
    }

    /// A client that half-closes after its request still gets the whole delayed answer.
    @Test func aHalfClosedClientGetsItsDelayedResponse() async throws {
        try await withTestServer(faultConfig([])) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\nX-Understudy-Delay: 200ms\r\n\r\n")
            client.shutdownWrite()
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == #"{"status":"ok"}"#)
        }
    }

    /// A client that resets during a delay is logged 499 at once; its timer is gone.
    @Test func aClientResetDuringADelayIsLogged499() async throws {
        try await withTestServer(faultConfig([], maxDelay: .seconds(60))) { (server: TestServer) async throws in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: a\r\nX-Understudy-Delay: 30s\r\n\r\n")
            _ = await server.output.waitForEvents("fault_fired")
            client.reset()
            let completed = await server.output.waitForEvents("request_completed", timeout: .seconds(5))
            #expect(completed.first?["status"] as? Int == 499)
            #expect(server.server.dataPlane.openConnections == 0)
        }
    }

    /// 1,000 requests waiting on delays hold no thread: `/health` answers at once meanwhile.
    @Test func pendingDelaysNeverBlockOtherRequests() async throws {
        try await withTestServer(faultConfig([], maxDelay: .seconds(60))) { (server: TestServer) async throws in
            var waiting: [RawClient] = []
            for _ in 0..<1000 {
                let client = try server.client()
                try client.send("GET /health HTTP/1.1\r\nHost: a\r\nX-Understudy-Delay: 20s\r\n\r\n")
                waiting.append(client)
            }
            _ = await server.output.waitForEvents("fault_fired", count: 1000, timeout: .seconds(10))
            #expect(server.server.dataPlane.connectionCounts()[.delayed] == 1000)
            var response: RawClient.Response?
            let took = try elapsed { response = try RawClient.get("/health", port: server.dataPort) }
            #expect(response?.status == 200)
            #expect(took < .milliseconds(500))
            for client in waiting { client.reset() }
        }
    }
}
