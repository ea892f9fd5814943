import Foundation
import Synchronization
import Testing
import TestSupport
import UnderstudyHTTP
import UnderstudyNet
@testable import UnderstudyCore

/// `when: after_effect`: the handler runs at once and its effect is real; only the answer
/// waits (the 60-second SendMessage). Observed with a handler whose effect a counter shows.
@Suite struct AfterEffectTests {
    final class Effects: Sendable {
        let count = Atomic<Int>(0)
    }

    func withEffectPlane(_ rules: [String], _ body: (UInt16, Effects) async throws -> Void) async throws {
        let loop = try EventLoop(name: "effect")
        loop.start()
        let plane = try HTTPPlane(settings: ConnectionSettings(plane: "data"),
                                  addresses: [ListenAddress(host: "127.0.0.1", port: 0)], backlog: 16, loops: [loop])
        var config = FaultsConfig()
        config.rules = rules.map(ruleValue)
        let faults = try FaultRuleSet(config: config)
        let effects = Effects()
        plane.start(makeHandler: { _ in
            let gate = FaultGate(rules: faults)
            return { exchange in
                gate.apply(to: exchange) { exchange in
                    effects.count.add(1, ordering: .relaxed)
                    exchange.respond(HTTPResponse(status: 201, contentType: "text/plain", body: "stored"))
                }
            }
        }, makeObserver: { _ in nil }, onError: { _ in })
        defer {
            plane.stopAccepting()
            loop.stop()
            loop.waitUntilStopped()
        }
        try await body(plane.listeners[0].boundAddress.port, effects)
    }

    /// Waits (bounded) until the handler's effect shows; true if it did. Polls on this
    /// thread: a `Task.sleep` can oversleep by seconds while other tests hold the pool.
    func effectShows(_ effects: Effects) -> Bool {
        for _ in 0..<400 {
            if effects.count.load(ordering: .relaxed) == 1 { return true }
            usleep(5_000)
        }
        return false
    }

    @Test func theEffectHappensAndTheAnswerWaits() async throws {
        try await withEffectPlane([#"{"name":"late","delay":"1500ms","when":"after_effect"}"#]) { port, effects in
            let clock = ContinuousClock()
            let start = clock.now
            let client = try RawClient(port: port)
            try client.send("POST /send HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
            #expect(effectShows(effects))
            #expect(client.pendingByteCount == 0)   // stored, and the answer has not come
            let response = try client.readResponse()
            #expect(response.status == 201)
            #expect(response.bodyText == "stored")
            #expect(clock.now - start >= .milliseconds(1500))
        }
    }

    @Test func aReplacedAnswerStillRunsTheHandler() async throws {
        try await withEffectPlane([#"{"name":"lost","delay":"200ms","when":"after_effect","respond":{"status":500,"body":"oops"}}"#]) { port, effects in
            let client = try RawClient(port: port)
            try client.send("POST /send HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(response.bodyText == "oops")
            #expect(effects.count.load(ordering: .relaxed) == 1)
        }
    }

    @Test func aResetAfterTheEffectLosesOnlyTheAnswer() async throws {
        try await withEffectPlane([#"{"name":"lost","delay":"100ms","when":"after_effect","connection":"reset"}"#]) { port, effects in
            let client = try RawClient(port: port)
            try client.send("POST /send HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
            #expect(client.readAll().ending == .reset)
            #expect(effects.count.load(ordering: .relaxed) == 1)
        }
    }

    @Test func aDelayBeforeDoesNotRunTheHandlerForAClientThatLeft() async throws {
        try await withEffectPlane([#"{"name":"early","delay":"300ms"}"#]) { port, effects in
            let client = try RawClient(port: port)
            try client.send("POST /send HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
            client.reset()   // the server learns at once and cancels the timer
            usleep(500_000)   // past the 300 ms the handler would have waited: nothing may run
            #expect(effects.count.load(ordering: .relaxed) == 0)
        }
    }
}
