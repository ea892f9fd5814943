import Testing
import TestSupport
import UnderstudyHTTP
import UnderstudyNet
@testable import UnderstudyCore

/// Fuzzes the connection handler, not only the parser: random request streams go in
/// through an in-memory stream, split at random points, then EOF. The output must be
/// well-formed responses, at most one per request, and the connection must end closed.
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
            var splits = (0..<Int.random(in: 0...4, using: &generator)).map { _ in Int.random(in: 0...input.count, using: &generator) }
            splits.sort()
            let output = await drive(input, splits: splits, on: loop)
            let events = RequestParser.replay(input, step: input.count, limits: ParserLimits()).filter { !$0.hasPrefix("head") }
            let requests = events.count
            let methods = events.map { $0.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
            let responses = try parseResponses(output.bytes, methods: methods)
            #expect(responses.filter { $0 != 100 }.count <= max(requests, 1), "\(String(decoding: input, as: UTF8.self).debugDescription)")
            #expect(output.closed, "the connection closed after EOF")
        }
    }

    /// Runs one connection on `loop` over `input` split at `splits`, then EOF.
    func drive(_ input: [UInt8], splits: [Int], on loop: EventLoop) async -> (bytes: [UInt8], closed: Bool) {
        await withCheckedContinuation { continuation in
            loop.execute {
                let shared = PlaneShared()
                let health = HealthState(configured: .init(status: 200, body: "ok", contentType: "text/plain", delay: .zero))
                let routes = DataPlaneRoutes(health: HealthEndpoints(state: health, shared: shared))
                let context = LoopContext(loop: loop, settings: ConnectionSettings(plane: "data"), handler: routes.handle,
                                          stats: LoopStats(), shared: shared, observer: nil)
                let stream = MemoryStream()
                guard let connection = context.adopt(stream) else { return continuation.resume(returning: ([], false)) }
                var start = 0
                for split in splits + [input.count] {
                    stream.push(Array(input[start..<max(start, split)]))
                    start = max(start, split)
                    connection.readAvailable()
                }
                stream.pushEndOfStream()
                connection.readAvailable()
                continuation.resume(returning: (stream.output, stream.isClosed || stream.wroteFIN))
            }
        }
    }

    /// Splits output into responses (status codes), failing on anything malformed.
    func parseResponses(_ bytes: [UInt8], methods: [String]) throws -> [Int] {
        var statuses: [Int] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let headEnd = rest.firstRange(of: Array("\r\n\r\n".utf8)) else {
                Issue.record("truncated head: \(String(decoding: rest, as: UTF8.self).debugDescription)")
                return statuses
            }
            let head = String(decoding: rest[rest.startIndex..<headEnd.lowerBound], as: UTF8.self)
            let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let status = lines.first.flatMap { line -> Int? in
                let parts = line.split(separator: " ")
                return parts.count >= 2 && parts[0] == "HTTP/1.1" ? Int(parts[1]) : nil
            }
            guard let status else {
                Issue.record("bad status line: \(head.debugDescription)")
                return statuses
            }
            statuses.append(status)
            rest = rest[headEnd.upperBound...]
            let length = lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            if status == 100 { continue }
            let index = statuses.filter { $0 != 100 }.count - 1
            let answersHead = index < methods.count && methods[index] == "HEAD"
            if !answersHead {
                guard rest.count >= length else {
                    Issue.record("body shorter than Content-Length \(length)")
                    return statuses
                }
                rest = rest.dropFirst(length)
            }
        }
        return statuses
    }
}
