import Testing
import UnderstudyNet
@testable import UnderstudyCore

/// Fuzzes the connection handler, not only the parser, on every `swift test`: random
/// request streams through `ConnectionReplay` (an in-memory stream, split at random points,
/// then EOF), checking well-formed answers, at most one per request, and a closed end.
/// `FuzzConnection` runs the same check under libFuzzer.
@Suite struct ConnectionFuzzTests {
    static let pieces = [
        "GET /health HTTP/1.1\r\nHost: a\r\n\r\n", "HEAD /health HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", "GET /nope HTTP/1.0\r\n\r\n",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
        "garbage\r\n\r\n", "GET / HTTP/1.1\r\n", "\r\n", "X: y\r\n", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nab",
    ]

    @Test func randomRequestStreamsGetWellFormedAnswers() async throws {
        let loop = try EventLoop(name: "fuzz")
        loop.start()
        defer { loop.stop(); loop.waitUntilStopped() }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                input += Array(Self.pieces.randomElement(using: &generator)!.utf8)
            }
            let splits = (0..<Int.random(in: 0...4, using: &generator)).map { _ in Int.random(in: 0...input.count, using: &generator) }
            let request = input
            let problem = await onLoop(loop) { ConnectionReplay.check(request, splits: splits, on: loop) }
            #expect(problem == nil, "\(String(decoding: input, as: UTF8.self).debugDescription) split at \(splits.sorted())")
        }
    }

    @Test func theOracleCatchesExtraResponses() throws {
        let twoAnswers = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        #expect(try ConnectionReplay.parseResponses(twoAnswers, methods: ["GET"]).get() == [200, 200])
        let truncated = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab".utf8)
        #expect(throws: ConnectionReplay.Problem.self) { try ConnectionReplay.parseResponses(truncated, methods: ["GET"]).get() }
        let headAnswer = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".utf8)
        #expect(try ConnectionReplay.parseResponses(headAnswer, methods: ["HEAD"]).get() == [200])
    }

    func onLoop<T: Sendable>(_ loop: EventLoop, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in loop.execute { continuation.resume(returning: body()) } }
    }
}
