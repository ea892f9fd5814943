import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/delay` and `/drip`: timers, `Server-Timing`, the `faults.max_delay` bound, 499.
@Suite struct HTTPBinDelayTests {
    @Test func delayWaitsThenEchoesWithServerTiming() async throws {
        try await withTestServer { server in
            let started = ContinuousClock.now
            let response = try send(server, "POST", "/delay/0.3", headers: ["Content-Type: text/plain"], body: "hi")
            let elapsed = ContinuousClock.now - started
            #expect(response.status == 200)
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2))
            #expect(response.header("Server-Timing") == #"initial_delay;dur=300.00;desc="initial delay""#)
            #expect(try jsonObject(response)["data"] as? String == "hi")
            let go = try send(server, "/delay/150ms")
            #expect(go.header("Server-Timing") == #"initial_delay;dur=150.00;desc="initial delay""#)
        }
    }

    @Test(arguments: [
        ("/delay/2", "invalid duration: duration 2s longer than 1s"),
        ("/delay/-1", "invalid duration: duration -1s shorter than 0s"),
        ("/delay/abc", #"invalid duration: strconv.ParseFloat: parsing "abc": invalid syntax"#),
        ("/drip?duration=2", "invalid duration: duration 2s longer than 1s"),
        ("/drip?delay=1.5s", "invalid delay: duration 1.5s longer than 1s"),
        ("/drip?duration=0.5&delay=0.6", "too much time: 500ms+600ms > 1s"),
        ("/drip?numbytes=0&delay=0", "invalid numbytes: 0 not in range [1, 1048576]"),
        ("/drip?numbytes=x", #"invalid numbytes: strconv.ParseInt: parsing "x": invalid syntax"#),
        ("/drip?code=99&delay=0&duration=0", "invalid status code: 99 not in range [100, 599]"),
    ])
    func delaysAboveMaxDelayAnswer400(_ target: String, _ detail: String) async throws {
        let config = makeTestConfig { $0.faults.maxDelay = ConfigDuration(.seconds(1)) }
        try await withTestServer(config) { server in
            try expectError(try send(server, target), 400, detail: detail)
        }
    }

    @Test func dripSpreadsBytesOverTheDuration() async throws {
        try await withTestServer { server in
            let started = ContinuousClock.now
            let response = try send(server, "/drip?numbytes=5&duration=0.4&delay=0.1&code=201")
            let elapsed = ContinuousClock.now - started
            #expect(response.status == 201)
            #expect(response.bodyText == "*****")
            #expect(response.header("Content-Length") == "5")   // paced, yet with a length, as go-httpbin
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(3))
            #expect(response.header("Server-Timing")?.contains(#"pause_per_write;dur=100.00;desc="computed pause between writes""#) == true)
            #expect(response.header("Server-Timing")?.hasPrefix(#"total_duration;dur=500.00;desc="total request duration""#) == true)
            let instant = try send(server, "/drip?numbytes=3&duration=0&delay=0")
            #expect(instant.bodyText == "***")
            #expect(instant.header("Content-Length") == "3")
        }
    }

    /// 3 s rather than 1 s: under a loaded full run the state poll may first look after a second.
    @Test func clientLeavingDuringDelayIsLoggedAs499() async throws {
        try await withTestServer { server in
            do {
                let client = try server.client()
                try client.send("GET /delay/3 HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await waitForState(server) { $0.connections.delayed == 1 })
                // A reset: a FIN alone is a half-close, which still gets its answer (HTTPConnection.peerClosed).
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            }
            let logged = await server.output.waitForEvents("request_completed")
            #expect(logged.first?["status"] as? Int == 499)
            #expect(logged.first?["route"] as? String == "/delay/{duration}")
        }
    }
}
