import Foundation
import Testing
import TestSupport

/// The built binary, as users run it: exit codes, listening lines, SIGTERM draining.
@Suite(.serialized) struct ServeCommandTests {
    static let loopbackArguments = ["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"]

    @Test func printsListeningLinesAndServesHealth() async throws {
        let child = try BinaryProcess(Self.loopbackArguments)
        defer { child.stop() }
        let port = try #require(await child.dataPort())
        #expect(try RawClient.get("/health", port: port).status == 200)
        let access = await child.waitForEvents("request_completed")
        #expect(access.first?["path"] as? String == "/health")
        #expect(access.first?["status"] as? Int == 200)
        for key in ["time", "request_id", "connection_id", "request_number", "method", "bytes_in", "bytes_out", "duration_ms"] {
            #expect(access.first?[key] != nil, "access log has \(key)")
        }
    }

    @Test func sigtermDrainsFinishesInFlightAndExitsZero() async throws {
        let child = try BinaryProcess(Self.loopbackArguments, environment: [
            "UNDERSTUDY_SHUTDOWN__DRAIN": "300ms", "UNDERSTUDY_SHUTDOWN__GRACE": "3s",
            "UNDERSTUDY_HEALTH__DELAY": "600ms",
        ])
        defer { child.stop() }
        let port = try #require(await child.dataPort())
        let inFlight = try RawClient(port: port)
        try inFlight.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let admin = try #require(await child.adminPort())
        // Wait until the request is being delayed, then signal.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let state = try RawClient.get("/api/state", port: admin).bodyText
            if state.contains(#""delayed":1"#) { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        child.signal(SIGTERM)
        _ = await child.waitForEvents("draining")
        let probe = try RawClient(port: port)
        try probe.send("GET /livez HTTP/1.1\r\nHost: t\r\n\r\n")
        let live = try probe.readResponse()
        #expect(live.status == 200)
        #expect(live.header("Connection") == "close", "responses after draining began close their connection")
        let finished = try inFlight.readResponse()
        #expect(finished.status == 200, "the in-flight request completed")
        #expect(await child.waitForExit() == 0)
    }

    @Test func healthAnswers503WhileDraining() async throws {
        let child = try BinaryProcess(Self.loopbackArguments, environment: ["UNDERSTUDY_SHUTDOWN__DRAIN": "2s"])
        defer { child.stop() }
        let port = try #require(await child.dataPort())
        child.signal(SIGTERM)
        _ = await child.waitForEvents("draining")
        #expect(try RawClient.get("/health", port: port).status == 503)
        #expect(try RawClient.get("/livez", port: port).status == 200)
        child.signal(SIGTERM)   // a second signal exits at once
        #expect(await child.waitForExit(timeout: .seconds(2)) != nil)
    }

    @Test func portInUseFailsWithTheAddress() async throws {
        let first = try BinaryProcess(Self.loopbackArguments)
        defer { first.stop() }
        let port = try #require(await first.dataPort())
        let result = try await BinaryProcess.run(["serve", "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:0"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bind 127.0.0.1:\(port): Address already in use"))
    }
}
