import Testing
import TestSupport
@testable import UnderstudyCore

@Suite struct KeepAliveTests {
    @Test func reusesOneConnectionForManyRequests() async throws {
        try await withTestServer { server in
            let client = try server.client()
            for _ in 0..<5 {
                try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.bodyText == #"{"status":"ok"}"#)
                #expect(response.header("Connection") == nil)
                #expect(response.header("Date") != nil)
                #expect(response.header("Server") == "understudy")
            }
            let logged = await server.output.waitForEvents("request_completed", count: 5)
            #expect(Set(logged.map { $0["connection_id"] as? Int }).count == 1)
            #expect(logged.map { $0["request_number"] as? Int } == [1, 2, 3, 4, 5])
        }
    }

    @Test func closesAfterMaxRequestsWithConnectionClose() async throws {
        let config = makeTestConfig { $0.server.keepAlive.maxRequests = 3 }
        try await withTestServer(config) { server in
            let client = try server.client()
            for number in 1...3 {
                try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.header("Connection") == (number == 3 ? "close" : nil))
            }
            #expect(client.waitForEnd() == .eof)
        }
    }

    @Test func keepAliveDisabledClosesEveryConnection() async throws {
        let config = makeTestConfig { $0.server.keepAlive.enabled = false }
        try await withTestServer(config) { server in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.waitForEnd() == .eof)
        }
    }

    @Test func clientConnectionCloseIsHonoured() async throws {
        try await withTestServer { server in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.waitForEnd() == .eof)
        }
    }

    @Test func http10ClosesUnlessKeepAliveAsked() async throws {
        try await withTestServer { server in
            let plain = try server.client()
            try plain.send("GET /health HTTP/1.0\r\n\r\n")
            let first = try plain.readResponse()
            #expect(first.status == 200)
            #expect(first.header("Connection") == "close")
            #expect(plain.waitForEnd() == .eof)

            let keepAlive = try server.client()
            for _ in 0..<2 {
                try keepAlive.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try keepAlive.readResponse().header("Connection") == "keep-alive")
            }
        }
    }

    @Test func keepAliveTimeoutClosesQuietly() async throws {
        let config = makeTestConfig { $0.server.keepAlive.timeout = ConfigDuration(.milliseconds(150)) }
        try await withTestServer(config) { server in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client.readResponse()
            let started = ContinuousClock.now
            let (bytes, ending) = client.readAll()
            #expect(ending == .eof)
            #expect(bytes.isEmpty, "no response on keep-alive expiry")
            #expect(ContinuousClock.now - started >= .milliseconds(140))
        }
    }

    @Test func pipelinedRequestsAnswerInOrder() async throws {
        try await withTestServer { server in
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n\r\nGET /livez HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().status == 404)
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func pipelinedRequestsBehindADelayKeepTheirOrder() async throws {
        try await withTestServer { server in
            server.server.health.apply(.init(delay: .milliseconds(100)))
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().status == 404)
        }
    }

    @Test func headAnswersWithoutBody() async throws {
        try await withTestServer { server in
            let client = try server.client()
            try client.send("HEAD /health HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(forHead: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "15")
            let get = try client.readResponse()
            #expect(get.bodyText == #"{"status":"ok"}"#, "the HEAD response carried no body bytes")
        }
    }

    @Test func halfClosedClientStillGetsItsResponse() async throws {
        try await withTestServer { server in
            server.server.health.apply(.init(delay: .milliseconds(50)))
            let client = try server.client()
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            client.shutdownWrite()
            #expect(try client.readResponse().status == 200)
            #expect(client.waitForEnd() == .eof)
        }
    }

    @Test func requestIDIsEchoedOrMade() async throws {
        try await withTestServer { server in
            let given = try RawClient.get("/health", port: server.dataPort, headers: "X-Request-Id: abc-123\r\n")
            #expect(given.header("X-Request-Id") == "abc-123")
            let made = try RawClient.get("/health", port: server.dataPort)
            #expect(made.header("X-Request-Id")?.count == 16)
            let logged = await server.output.waitForEvents("request_completed", count: 2)
            #expect(logged.first?["request_id"] as? String == "abc-123")
        }
    }
}

@Suite struct AccessLogTests {
    @Test func accessLogCanBeSilenced() async throws {
        let config = makeTestConfig { $0.log.access = false }
        try await withTestServer(config) { (server: TestServer) async throws in
            #expect(try RawClient.get("/health", port: server.dataPort).status == 200)
            #expect(try await waitForState(server) { $0.traffic.requestsServed == 1 })
            #expect(server.output.events("request_completed").isEmpty)
        }
    }
}
