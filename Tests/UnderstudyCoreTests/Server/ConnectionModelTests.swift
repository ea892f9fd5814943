import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `server.model`, `server.workers`, `server.event.async_factor` and `server.defer_accept`,
/// scaled down (4 workers, keep-alive 1–2 s): idle keep-alive connections starve prefork
/// and, past the accept limit, event; the scoreboard shows it; the admin plane never waits.
@Suite struct ConnectionModelTests {
    static let healthRequest = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"

    func makeConfig(_ model: ServerModel, workers: Int = 4, keepAlive: Duration = .seconds(2),
                    _ adjust: (inout UnderstudyConfig) -> Void = { _ in }) -> UnderstudyConfig {
        makeTestConfig { config in
            config.server.model = model
            config.server.workers = workers
            config.server.keepAlive.timeout = ConfigDuration(keepAlive)
            adjust(&config)
        }
    }

    func isAcceptingPaused(_ state: [String: Any]) -> Bool? {
        (state["workers"] as? [String: Any])?["accepting_paused"] as? Bool
    }

    func busy(_ state: [String: Any]) -> Int? {
        (state["workers"] as? [String: Any])?["busy"] as? Int
    }

    func queuedForAccept(_ state: [String: Any]) -> Int {
        ((state["listen_queues"] as? [[String: Any]])?.first?["queued"] as? Int) ?? -1
    }

    @Test func preforkIdleKeepAliveConnectionsHoldEveryWorkerUntilTheirTimeout() async throws {
        try await withTestServer(makeConfig(.prefork)) { (server: TestServer) async throws in
            let first = try server.idleKeepAliveClients(count: 1)
            let idleSince = ContinuousClock.now   // the first client's keep-alive timer starts now
            let idle = try first + server.idleKeepAliveClients(count: 3)
            #expect(try server.waitForState { state in
                let workers = state["workers"] as? [String: Any] ?? [:]
                return workers["free"] as? Int == 0 && workers["keepalive_idle"] as? Int == 4
                    && workers["accepting_paused"] as? Bool == true
            })

            // The health check waits in the kernel's listen backlog, unaccepted.
            let probe = try server.client()
            try probe.send(Self.healthRequest)
            #expect(try server.waitForState { queuedForAccept($0) == 1 })
            #expect(probe.pendingByteCount == 0)

            // As soon as the idle connections' keep-alive expires (and their clients answer the
            // FIN, as a load balancer does; the worker lingers for it, as Apache's does), it is answered.
            for client in idle {
                #expect(client.waitForEnd() == .eof)
                client.close()
            }
            #expect(try probe.readResponse().status == 200)
            let waited = ContinuousClock.now - idleSince
            #expect(waited >= .milliseconds(1900))
            #expect(waited < .milliseconds(3500))
            #expect(try server.waitForState { queuedForAccept($0) == 0 })
        }
    }

    @Test func eventIdleKeepAliveConnectionsHoldNoWorker() async throws {
        try await withTestServer(makeConfig(.event, keepAlive: .seconds(300))) { (server: TestServer) async throws in
            let idle = try server.idleKeepAliveClients(count: 4)
            let probe = try server.client(timeout: .milliseconds(500))
            try probe.send(Self.healthRequest)
            #expect(try probe.readResponse().status == 200)
            #expect(try server.waitForState { state in
                let workers = state["workers"] as? [String: Any] ?? [:]
                return workers["free"] as? Int == 4 && workers["busy"] as? Int == 0
                    && (state["connections"] as? [String: Any])?["keepalive_idle"] as? Int == 5
            })
            _ = idle
        }
    }

    @Test func eventStopsAcceptingPastWorkersPlusFactorTimesIdleWorkers() async throws {
        // 2 workers, factor 1: accept while open connections < 2 + 1 × 2 idle workers = 4.
        let config = makeConfig(.event, workers: 2, keepAlive: .seconds(300)) { $0.server.event.asyncFactor = 1 }
        try await withTestServer(config) { (server: TestServer) async throws in
            var idle = try server.idleKeepAliveClients(count: 3)
            #expect(try server.waitForState { isAcceptingPaused($0) == false && busy($0) == 0 })
            idle += try server.idleKeepAliveClients(count: 1)
            #expect(try server.waitForState { isAcceptingPaused($0) == true && busy($0) == 0 })

            let fifth = try server.client()
            try fifth.send(Self.healthRequest)
            #expect(try server.waitForState { queuedForAccept($0) == 1 })
            #expect(fifth.pendingByteCount == 0)
            #expect(try server.waitForState { isAcceptingPaused($0) == true })

            // One idle client leaves: the fifth is accepted and answered.
            idle.removeFirst()
            #expect(try fifth.readResponse().status == 200)
            _ = idle
        }
    }

    @Test func eventRequestsWaitInOrderForABusyWorkerAndIdleKeepAliveIsClosed() async throws {
        // 1 worker, factor 3: four connections fit under the accept limit. Fresh connections
        // (no request yet) are not keep-alive idle, so only `idle` is closed when no worker is.
        let config = makeConfig(.event, workers: 1, keepAlive: .seconds(300)) {
            $0.server.event.asyncFactor = 3
            $0.server.deferAccept = false
        }
        try await withTestServer(config) { (server: TestServer) async throws in
            let idle = try server.idleKeepAliveClients(count: 1)
            let first = try server.client()
            let second = try server.client()
            let slow = try server.client()
            #expect(try server.waitForState { ($0["connections"] as? [String: Any])?["open"] as? Int == 4 })
            try slow.send("GET /delay/2 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["delayed"] as? Int == 1 })
            try first.send("GET /get?order=1 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["waiting_requests"] as? Int == 1 })
            try second.send("GET /get?order=2 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["waiting_requests"] as? Int == 2 })

            // Apache's event MPM closes idle keep-alive connections when no worker is idle.
            #expect(idle[0].waitForEnd() == .eof)
            #expect(try slow.readResponse().status == 200)
            #expect(try first.readResponse().status == 200)
            #expect(try second.readResponse().status == 200)
            let logged = await server.output.waitForEvents("request_completed", count: 4)
            #expect(logged.compactMap { $0["connection_id"] as? Int } == [1, 4, 2, 3])
            let metrics = String(decoding: try server.adminGet("/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"understudy_http_connections_closed_total{plane="data",reason="workers_busy"} 3"#),
                    "the idle client, then each connection whose answer handed its worker to a waiting request")
        }
    }

    @Test func aQueuedRequestWhoseClientResetsLeavesNoTraceOnTheScoreboard() async throws {
        let config = makeConfig(.event, workers: 1, keepAlive: .seconds(300)) {
            $0.server.event.asyncFactor = 3
            $0.server.deferAccept = false
        }
        try await withTestServer(config) { (server: TestServer) async throws in
            let gone = try server.client()
            let later = try server.client()
            let slow = try server.client()
            #expect(try server.waitForState { ($0["connections"] as? [String: Any])?["open"] as? Int == 3 })
            try slow.send("GET /delay/1 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["delayed"] as? Int == 1 })
            try gone.send("GET /get HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["waiting_requests"] as? Int == 1 })
            gone.reset()
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["waiting_requests"] as? Int == 0 })
            #expect(try slow.readResponse().status == 200)
            try later.send("GET /get HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try later.readResponse().status == 200)
            #expect(try server.waitForState { state in
                guard let workers = state["workers"] as? [String: Any] else { return false }
                return ["busy", "reading", "processing", "delayed", "writing", "keepalive_idle", "waiting_requests"]
                    .allSatisfy { workers[$0] as? Int == 0 } && workers["free"] as? Int == 1
            })
        }
    }

    @Test func maxRequestsClosesTheConnectionAndFreesItsPreforkWorker() async throws {
        let config = makeConfig(.prefork, workers: 1, keepAlive: .seconds(300)) { $0.server.keepAlive.maxRequests = 2 }
        try await withTestServer(config) { (server: TestServer) async throws in
            let holder = try server.client()
            try holder.send(Self.healthRequest)
            #expect(try holder.readResponse().header("Connection") == nil)
            let waiting = try server.client()
            try waiting.send(Self.healthRequest)
            #expect(try server.waitForState { queuedForAccept($0) == 1 })
            try holder.send(Self.healthRequest)
            #expect(try holder.readResponse().header("Connection") == "close")
            // The worker lingers for the client's FIN (as Apache's does); a client closes on EOF.
            #expect(holder.waitForEnd() == .eof)
            holder.close()
            #expect(try waiting.readResponse().status == 200)
        }
    }

    @Test(arguments: [true, false])
    func deferAcceptKeepsSilentConnectionsOutOfPreforkWorkers(_ deferAccept: Bool) async throws {
        let config = makeConfig(.prefork, workers: 1, keepAlive: .seconds(300)) {
            $0.server.deferAccept = deferAccept
            $0.server.timeouts.header = ConfigDuration(.seconds(30))
        }
        try await withTestServer(config) { (server: TestServer) async throws in
            let silent = try server.client()
            if deferAccept {
                let client = try server.client()
                try client.send(Self.healthRequest)
                #expect(try client.readResponse().status == 200)
            } else {
                // Accepted at once, the silent connection takes the only worker.
                #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["free"] as? Int == 0 })
                let client = try server.client()
                try client.send(Self.healthRequest)
                #expect(try server.waitForState { queuedForAccept($0) == 1 })
                #expect(client.pendingByteCount == 0)
            }
            _ = silent
        }
    }

    @Test func clientsThatGaveUpInTheBacklogAreClearedAtOnce() async throws {
        try await withTestServer(makeConfig(.prefork, workers: 1, keepAlive: .seconds(300))) { (server: TestServer) async throws in
            var holder: RawClient? = try server.idleKeepAliveClients(count: 1)[0]
            for _ in 0..<5 {
                // A health check that timed out: it sent its request, then closed (FIN).
                let gaveUp = try server.client()
                try gaveUp.send(Self.healthRequest)
            }
            let fresh = try server.client()
            try fresh.send(Self.healthRequest)
            #expect(try server.waitForState { queuedForAccept($0) == 6 })
            let freed = ContinuousClock.now
            holder = nil
            #expect(try fresh.readResponse().status == 200)
            #expect(ContinuousClock.now - freed < .seconds(1))
            _ = holder
        }
    }

    @Test func preforkAcrossSeveralLoopsSharesOnePool() async throws {
        let config = makeConfig(.prefork, workers: 3, keepAlive: .seconds(1)) { $0.server.loops = 2 }
        try await withTestServer(config) { (server: TestServer) async throws in
            let idle = try server.idleKeepAliveClients(count: 3)
            let waiting = try server.client()
            try waiting.send(Self.healthRequest)
            #expect(try server.waitForState { queuedForAccept($0) == 1 })
            #expect(waiting.pendingByteCount == 0)
            #expect(try waiting.readResponse().status == 200)
            _ = idle
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["busy"] as? Int == 1 })
        }
    }

    @Test func adminPlaneAnswersWhileEveryWorkerIsHeld() async throws {
        try await withTestServer(makeConfig(.prefork, workers: 1, keepAlive: .seconds(300))) { (server: TestServer) async throws in
            let idle = try server.idleKeepAliveClients(count: 1)
            // The answer reaches the client a moment before its connection turns idle.
            #expect(try server.waitForState { ($0["workers"] as? [String: Any])?["keepalive_idle"] as? Int == 1 })
            let metrics = String(decoding: try server.adminGet("/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"understudy_worker_slots{state="keepalive_idle"} 1"#))
            #expect(metrics.contains(#"understudy_worker_slots{state="free"} 0"#))
            #expect(metrics.contains("understudy_listen_queue_connections{address="))
            _ = idle
        }
    }
}
