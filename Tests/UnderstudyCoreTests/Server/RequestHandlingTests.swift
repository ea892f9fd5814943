import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

@Suite struct RequestHandlingTests {
    @Test func expectContinueGetsInterimResponseBeforeBody() async throws {
        try await withTestServer { server in
            let client = try server.client()
            try client.send("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            try client.send("hello")
            #expect(try client.readResponse().status == 404)
        }
    }

    @Test func chunkedRequestBodyIsRead() async throws {
        try await withTestServer { server in
            let client = try server.client()
            try client.send("POST /nope HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 404)
            #expect(try client.readResponse().status == 200, "the chunked body was consumed exactly")
        }
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "Content-Length and Transfer-Encoding"),
        ("GET / HTTP/1.1\r\n\r\n", 400, "missing Host"),
        ("GET / HTTP/3.0\r\nHost: t\r\n\r\n", 505, "not supported"),
        ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: br, chunked\r\n\r\n", 501, "br"),
        ("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", 400, "folding"),
    ])
    func rejectionsAnswerWithReasonAndClose(_ request: String, _ status: Int, _ reason: String) async throws {
        try await withTestServer { server in
            let client = try server.client()
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == status)
            #expect(response.bodyText.contains(reason))
            #expect(response.header("Connection") == "close")
            #expect(client.waitForEnd() == .eof)
        }
    }

    @Test func limitsAnswer414And431And413() async throws {
        let config = makeTestConfig {
            $0.server.limits.requestLine = ByteSize(bytes: 1024)
            $0.server.limits.headerBytes = ByteSize(bytes: 1024)
            $0.server.limits.bodyBytes = ByteSize(bytes: 100)
        }
        try await withTestServer(config) { server in
            let long = try server.client()
            try long.send("GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1\r\nHost: t\r\n\r\n")
            let uri = try long.readResponse()
            #expect(uri.status == 414)
            #expect(uri.bodyText.contains("server.limits.request_line (1KiB)"))

            let headers = try server.client()
            try headers.send("GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "b", count: 2000) + "\r\n\r\n")
            #expect(try headers.readResponse().status == 431)

            let body = try server.client()
            try body.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n")
            let large = try body.readResponse()
            #expect(large.status == 413)
            #expect(large.bodyText.contains("server.limits.body_bytes"))
        }
    }

    @Test func headerTimeoutAnswers408() async throws {
        let config = makeTestConfig { $0.server.timeouts.header = ConfigDuration(.milliseconds(150)) }
        try await withTestServer(config) { server in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHo")
            let started = ContinuousClock.now
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.bodyText.contains("server.timeouts.header (150ms)"))
            #expect(ContinuousClock.now - started >= .milliseconds(140))
            #expect(client.waitForEnd() == .eof)
        }
    }

    @Test func bodyTimeoutAnswers408() async throws {
        let config = makeTestConfig { $0.server.timeouts.body = ConfigDuration(.milliseconds(150)) }
        try await withTestServer(config) { server in
            let client = try server.client()
            try client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(response.bodyText.contains("server.timeouts.body"))
        }
    }

    @Test func silentNewConnectionClosesQuietlyAfterHeaderTimeout() async throws {
        // With `defer_accept` (the default) the kernel would keep it; this is the timer behind it.
        let config = makeTestConfig {
            $0.server.timeouts.header = ConfigDuration(.milliseconds(100))
            $0.server.deferAccept = false
        }
        try await withTestServer(config) { server in
            let client = try server.client()
            let (bytes, ending) = client.readAll()
            #expect(ending == .eof)
            #expect(bytes.isEmpty)
        }
    }

    @Test func connectionLimitClosesExtraConnections() async throws {
        let config = makeTestConfig { $0.server.limits.connections = 2 }
        try await withTestServer(config) { server in
            let first = try server.client()
            let second = try server.client()
            for client in [first, second] {
                try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
            let third = try server.client()
            try? third.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(third.waitForEnd() != .timeout)
        }
    }

    @Test func clientResetDuringDelayIsLoggedAs499() async throws {
        try await withTestServer { server in
            server.server.health.apply(.init(delay: .seconds(5)))
            do {
                let client = try server.client()
                try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
                let state = try await waitForState(server) { $0.connections.delayed == 1 }
                #expect(state)
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            }
            let logged = await server.output.waitForEvents("request_completed")
            #expect(logged.first?["status"] as? Int == 499)
            #expect(server.server.dataPlane.connectionCounts()[.delayed] == 0)
        }
    }

    @Test func servesIPv6Loopback() async throws {
        let config = makeTestConfig { $0.server.listen = [ListenAddress(host: "::1", port: 0)] }
        try await withTestServer(config) { server in
            #expect(server.server.dataPlane.listeners[0].boundAddress.description.hasPrefix("[::1]:"))
            let client = try RawClient(port: server.dataPort, host: "::1")
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Polls the server's state (bounded) until `condition` holds.
func waitForState(_ server: TestServer, _ condition: (StateSnapshot) -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline {
        if condition(server.server.stateSnapshot()) { return true }
        usleep(5_000)   // not Task.sleep: it oversleeps while other tests block the pool
    }
    return false
}
