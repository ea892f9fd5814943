import UnderstudyHTTP
import UnderstudyNet

/// Drives one data-plane connection over an in-memory stream — bytes in, split at given
/// points, then end of stream — and checks what came out: well-formed HTTP/1.1 responses,
/// at most one per request (plus interim 1xx heads: `100 Continue`, `/status/103`), and a connection that ended. The
/// connection fuzzer and the tests share it, as the parser's fuzzer shares
/// `RequestParser.checkSplitAgreement`. Call it on `loop`'s thread.
public enum ConnectionReplay {
    /// Small limits, so fuzz inputs reach every limit; the parser replay that counts the
    /// requests uses the same ones.
    static let limits = ParserLimits(requestLine: 512, headerBytes: 1024, headerFields: 20, bodyBytes: 4096)

    /// Returns what went wrong, or nil.
    public static func check(_ input: [UInt8], splits: [Int], on loop: EventLoop) -> String? {
        precondition(loop.inLoop, "ConnectionReplay.check runs on its loop")
        let output = drive(input, splits: splits, on: loop)
        let events = RequestParser.replay(input, step: max(input.count, 1), limits: limits)
            .filter { !$0.hasPrefix("head") }
        let methods = events.map { $0.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
        let statuses: [Int]
        switch parseResponses(output.bytes, methods: methods) {
        case .success(let parsed): statuses = parsed
        case .failure(let problem): return problem.description
        }
        let answers = statuses.filter { !isInterim($0) }.count
        if answers > max(events.count, 1) { return "\(answers) responses to \(events.count) requests" }
        if !output.ended { return "the connection stayed open after end of stream" }
        return nil
    }

    /// The fuzzer's form: the first byte picks the split points, the rest is the input.
    public static func check(fuzzInput data: [UInt8], on loop: EventLoop) -> String? {
        guard let seed = data.first else { return nil }
        let input = Array(data.dropFirst())
        let step = Int(seed) % 32 + 1
        return check(input, splits: Array(stride(from: step, to: input.count, by: step)), on: loop)
    }

    private static func drive(_ input: [UInt8], splits: [Int], on loop: EventLoop) -> (bytes: [UInt8], ended: Bool) {
        let shared = PlaneShared()
        let health = HealthState(configured: .init(status: 200, body: "ok", contentType: "text/plain", delay: .zero))
        let routes = DataPlaneRoutes(health: HealthEndpoints(state: health, shared: shared))
        var settings = ConnectionSettings(plane: "data")
        settings.limits = limits
        let context = LoopContext(loop: loop, settings: settings, handler: routes.handle,
                                  stats: LoopStats(), shared: shared, observer: nil)
        let stream = MemoryStream()
        guard let connection = context.adopt(stream) else { return ([], false) }
        var start = 0
        for split in splits.sorted() + [input.count] where split >= start && split <= input.count {
            stream.push(Array(input[start..<split]))
            start = split
            connection.readAvailable()
        }
        stream.pushEndOfStream()
        connection.readAvailable()
        let ended = stream.isClosed || stream.wroteFIN
        if !ended { connection.abortNow() }
        return (stream.output, ended)
    }

    /// A 1xx head that precedes the answer (101 is itself an answer).
    static func isInterim(_ status: Int) -> Bool { (100..<200).contains(status) && status != 101 }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Splits output into responses (their statuses); `methods` tells which answer a HEAD.
    static func parseResponses(_ bytes: [UInt8], methods: [String]) -> Result<[Int], Problem> {
        var statuses: [Int] = []
        var rest = bytes[...]
        let blankLine = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let headEnd = rest.firstRange(of: blankLine) else {
                return .failure(Problem(description: "truncated response head: \(String(decoding: rest, as: UTF8.self).debugDescription)"))
            }
            let head = String(decoding: rest[rest.startIndex..<headEnd.lowerBound], as: UTF8.self)
            let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let parts = lines.first?.split(separator: " ") ?? []
            guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
                return .failure(Problem(description: "bad status line: \(head.debugDescription)"))
            }
            statuses.append(status)
            rest = rest[headEnd.upperBound...]
            if isInterim(status) { continue }
            let index = statuses.filter { !isInterim($0) }.count - 1
            if index < methods.count && methods[index] == "HEAD" { continue }
            let length = lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int(String($0.dropFirst("content-length:".count).filter { $0 != " " })) } ?? 0
            guard rest.count >= length else {
                return .failure(Problem(description: "body shorter than its Content-Length \(length)"))
            }
            rest = rest.dropFirst(length)
        }
        return .success(statuses)
    }
}
