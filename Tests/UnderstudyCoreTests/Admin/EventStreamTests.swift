import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `GET /api/events` over real sockets: what each kind carries, `Last-Event-ID` resumes
/// (in order, with `gap` when events are gone or the server is another process), sampling at
/// high rates with the `stats` event still counting everything, heartbeats, the token as
/// `?access_token=`, and the slow subscriber that is dropped while the data plane goes on.
@Suite struct EventStreamTests {
    static func config(_ adjust: (inout UnderstudyConfig) -> Void = { _ in }) -> UnderstudyConfig {
        makeTestConfig { config in
            config.log.access = false
            adjust(&config)
        }
    }

    /// `count` requests for `path` on one keep-alive connection.
    func requests(_ server: TestServer, _ path: String, count: Int = 1) throws {
        let client = try server.client()
        for _ in 0..<count {
            try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client.readResponse()
        }
        client.close()
    }

    @Test func streamsRequestConnectionHealthAndStatsEvents() async throws {
        try await withTestServer(Self.config()) { server in
            let stream = try SSEClient(port: server.adminPort)
            #expect(stream.head.status == 200)
            #expect(stream.head.header("Content-Type") == "text/event-stream; charset=utf-8")
            #expect(stream.head.header("Cache-Control") == "no-cache, no-transform")
            try requests(server, "/health")

            let opened = try #require(stream.next("connection_opened"))
            let connection = try #require(opened.json["connection_id"] as? Int)
            #expect((opened.json["remote_address"] as? String)?.hasPrefix("127.0.0.1:") == true)
            let completed = try #require(stream.next("request_completed"))
            #expect(completed.json["path"] as? String == "/health")
            #expect(completed.json["method"] as? String == "GET")
            #expect(completed.json["status"] as? Int == 200)
            #expect(completed.json["connection_id"] as? Int == connection)
            #expect(completed.json["duration_ms"] is Double)
            let health = try #require(stream.next("health_answered"))
            #expect(health.json["status"] as? Int == 200)
            let closed = try #require(stream.next("connection_closed"))
            #expect(closed.json["connection_id"] as? Int == connection)
            #expect(closed.json["reason"] as? String == "client_close")
            #expect(closed.json["requests"] as? Int == 1)
            // The once-a-second summary counts the request.
            var counted = 0
            var statuses: [String: Any] = [:]
            while counted == 0, let stats = stream.next("stats", timeout: .seconds(3)) {
                counted = stats.json["requests"] as? Int ?? 0
                statuses = stats.json["statuses"] as? [String: Any] ?? [:]
                if counted > 0 {
                    #expect(stats.json["p50_ms"] is Double)
                    #expect(stats.json["p99_ms"] is Double)
                    #expect((stats.json["workers"] as? [String: Any])?["model"] as? String == "event")
                }
            }
            #expect(counted == 1)
            #expect(statuses["200"] as? Int == 1)
            #expect(stream.retries == [1000])
            #expect(opened.id != nil && opened.id != completed.id)
            stream.close()
        }
    }

    @Test func resumesFromLastEventIDInOrder() async throws {
        try await withTestServer(Self.config()) { server in
            let types = "?types=request_completed"
            let first = try SSEClient(port: server.adminPort, path: "/api/events\(types)")
            try requests(server, "/get?n=1")
            let seen = try #require(first.next("request_completed"))
            first.close()
            // Missed while away:
            try requests(server, "/get?n=2")
            try requests(server, "/get?n=3")

            let again = try SSEClient(port: server.adminPort, path: "/api/events\(types)",
                                      headers: "Last-Event-ID: \(try #require(seen.id))\r\n")
            let replayed = [again.next(timeout: .seconds(3)), again.next(timeout: .seconds(3))]
            #expect(replayed.map { $0?.type } == ["request_completed", "request_completed"])
            #expect(replayed.map { $0?.json["connection_id"] as? Int } == [2, 3])
            // Live events follow the replay.
            try requests(server, "/get?n=4")
            #expect(again.next()?.json["connection_id"] as? Int == 4)
            again.close()

            // An id from another process: told so, then everything the buffer holds.
            let other = try SSEClient(port: server.adminPort, path: "/api/events\(types)", headers: "Last-Event-ID: 1234abcd-2\r\n")
            let gap = try #require(other.next(timeout: .seconds(3)))
            #expect(gap.type == "gap")
            #expect(gap.json["reason"] as? String == "restart")
            #expect(gap.id == nil)
            #expect(other.next()?.json["connection_id"] as? Int == 1)
            other.close()
        }
    }

    @Test func saysWhenTheBufferNoLongerHoldsWhatWasMissed() async throws {
        try await withTestServer(Self.config { $0.admin.events.buffer = 3 }) { server in
            let path = "/api/events?types=request_completed"
            let first = try SSEClient(port: server.adminPort, path: path)
            try requests(server, "/get")
            let seen = try #require(first.next("request_completed"))
            first.close()
            // Several events pass (slot and stats events share the ring), so the ring moves on.
            try requests(server, "/get", count: 6)
            let again = try SSEClient(port: server.adminPort, path: path, headers: "Last-Event-ID: \(try #require(seen.id))\r\n")
            let gap = try #require(again.next(timeout: .seconds(3)))
            #expect(gap.type == "gap")
            #expect(gap.json["reason"] as? String == "overflow")
            #expect((gap.json["missed"] as? Int ?? 0) > 0)
            again.close()
        }
    }

    @Test func samplesPerRequestEventsAndCountsThemAllInStats() async throws {
        try await withTestServer(Self.config { $0.admin.events.maxPerSecond = 5 }) { server in
            let stream = try SSEClient(port: server.adminPort, path: "/api/events?types=request_completed,stats")
            let started = ContinuousClock.now
            try requests(server, "/get", count: 300)
            let elapsed = ContinuousClock.now - started
            // Stats events until they have counted all 300.
            var counted = 0, seen = 0, sentInStats = 0, sampled = 0
            let deadline = ContinuousClock.now + .seconds(5)
            while counted < 300, ContinuousClock.now < deadline, let event = stream.next(timeout: .seconds(3)) {
                if event.type == "request_completed" { sampled += 1; continue }
                counted += event.json["requests"] as? Int ?? 0
                let sampling = (event.json["sampled"] as? [String: Any])?["request_completed"] as? [String: Any]
                seen += sampling?["seen"] as? Int ?? 0
                sentInStats += sampling?["sent"] as? Int ?? 0
            }
            #expect(counted == 300)
            #expect(seen == 300)
            // At most 5 per second: the seconds the requests spanned, plus the one they started in.
            let seconds = Int(elapsed.components.seconds) + 2
            #expect(sampled >= 1 && sampled <= 5 * seconds, "\(sampled) sampled in \(elapsed)")
            #expect(sentInStats == sampled)
            stream.close()
        }
    }

    @Test func sendsHeartbeatComments() async throws {
        try await withTestServer(Self.config { $0.admin.events.heartbeat = ConfigDuration(.milliseconds(200)) }) { server in
            let stream = try SSEClient(port: server.adminPort, path: "/api/events?types=request_completed")
            let deadline = ContinuousClock.now + .seconds(3)
            while stream.comments.isEmpty && ContinuousClock.now < deadline { _ = stream.next(timeout: .milliseconds(100)) }
            #expect(stream.comments.first == "heartbeat")
            stream.close()
        }
    }

    @Test func reportsSlotsQueuesAndFaults() async throws {
        let config = Self.config { config in
            config.server.workers = 2
            var queue = SQSQueueConfig()
            queue.name = "jobs"
            config.sqs.queues = [queue]
            config.faults.rules = [ruleValue(#"{"name": "slow-get", "match": {"path": "/get"}, "delay": "300ms"}"#)]
        }
        try await withTestServer(config) { server in
            let stream = try SSEClient(port: server.adminPort, path: "/api/events?types=slot_changed,queue_changed,fault_fired")
            _ = try server.server.queues.send([SendRequest(body: "hello")], to: "jobs")
            let client = try server.client()
            try client.send("GET /get HTTP/1.1\r\nHost: t\r\n\r\n")
            var sawDelayedSlot = false, sawQueue = false, sawFault = false
            let deadline = ContinuousClock.now + .seconds(5)
            while !(sawDelayedSlot && sawQueue && sawFault), ContinuousClock.now < deadline,
                  let event = stream.next(timeout: .seconds(2)) {
                switch event.type {
                case "slot_changed":
                    let workers = event.json["workers"] as? [String: Any] ?? [:]
                    #expect(workers["slots"] as? Int == 2)
                    if workers["delayed"] as? Int == 1 {
                        sawDelayedSlot = true
                        #expect(workers["free"] as? Int == 1)
                    }
                case "queue_changed":
                    if event.json["name"] as? String == "jobs" && event.json["visible"] as? Int == 1 { sawQueue = true }
                case "fault_fired":
                    #expect(event.json["rule"] as? String == "slow-get")
                    #expect(event.json["action"] as? String == "delay")
                    sawFault = true
                default: break
                }
            }
            #expect(sawDelayedSlot)
            #expect(sawQueue)
            #expect(sawFault)
            _ = try client.readResponse()
            stream.close()
        }
    }

    @Test func acceptsTheTokenAsAQueryParameter() async throws {
        try await withTestServer(Self.config { $0.admin.token = "s3cret" }) { server in
            let refused = try SSEClient(port: server.adminPort)
            #expect(refused.head.status == 401)
            refused.close()
            let stream = try SSEClient(port: server.adminPort, path: "/api/events?access_token=s3cret&types=request_completed")
            #expect(stream.head.status == 200)
            try requests(server, "/get")
            #expect(stream.next("request_completed") != nil)
            stream.close()
            let bearer = try SSEClient(port: server.adminPort, headers: "Authorization: Bearer s3cret\r\n")
            #expect(bearer.head.status == 200)
            bearer.close()
        }
    }

    @Test func refusesUnknownTypesAndOtherMethods() async throws {
        try await withTestServer(Self.config()) { server in
            let bad = try RawClient.get("/api/events?types=stats,bogus", port: server.adminPort)
            #expect(bad.status == 400)
            #expect(bad.bodyText.contains(#""field":"types""#))
            #expect(bad.bodyText.contains("bogus"))
            let client = try server.adminClient()
            try client.send("POST /api/events HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
            let post = try client.readResponse()
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET")
        }
    }

    /// A subscriber that stops reading: its backlog passes `max_backlog`, it is dropped
    /// (connection reset), and the data plane answers every request meanwhile.
    @Test func dropsASubscriberThatStopsReading() async throws {
        let config = Self.config { config in
            config.admin.events.maxBacklog = .kibibytes(64)
            config.admin.events.maxPerSecond = 1_000_000
        }
        try await withTestServer(config) { server in
            let stuck = try SSEClient(port: server.adminPort, path: "/api/events?types=request_completed", receiveBuffer: 4096)
            #expect(stuck.head.status == 200)
            let hub = server.server.events
            #expect(hub.subscribers == 1)
            // Long paths make big events: ~4 KiB each.
            let path = "/anything/" + String(repeating: "x", count: 4000)
            let client = try server.client()
            var answered = 0
            let deadline = ContinuousClock.now + .seconds(20)
            while hub.droppedSubscribers == 0 && ContinuousClock.now < deadline {
                try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
                if try client.readResponse().status == 200 { answered += 1 }
            }
            #expect(hub.droppedSubscribers == 1, "after \(answered) requests")
            #expect(hub.subscribers == 0)
            // The data plane kept answering, and still does.
            try client.send("GET /get HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            // The stuck subscriber's connection was reset (after what its buffers held).
            stuck.client.setTimeout(.seconds(5))
            #expect(stuck.client.readAll().ending == .reset)
            let metrics = try RawClient.get("/metrics", port: server.adminPort).bodyText
            #expect(metrics.contains(#"understudy_http_connections_closed_total{plane="admin",reason="slow_subscriber"} 1"#))
        }
    }
}
