import Foundation
import UnderstudyHTTP

/// Streamed answers: `/stream/{n}` and `/jsonl` (JSON lines), `/sse` (server-sent events
/// with a `Server-Timing` trailer) and `/trailers` (trailer fields after the body).
/// Pauses between writes are timers on the exchange, cancelled if the client leaves.
enum HTTPBinStreams {
    /// One compact line: `id`, `args`, `headers`, `origin`, `url` (no `method`).
    static func line(_ exchange: Exchange, id: Int) -> [UInt8] {
        let facts = exchange.facts
        let value = JSONValue.object([.init("id", .number(Double(id))), .init("args", facts.args), .init("headers", facts.headers),
                                      .init("origin", .string(facts.origin)), .init("url", .string(facts.url))])
        return Array((value.goCompactText + "\n").utf8)
    }

    /// `/stream/{n}`: n lines (clamped to 1…100), one chunk each.
    static func stream(_ exchange: Exchange, _ value: String) {
        let count: Int
        do { count = min(max(try GoParse.atoi(Substring(value)), 1), 100) } catch {
            return exchange.answerBadRequest(error.prefixed("invalid count"))
        }
        guard exchange.startHTTPBinStream(headers: ["Content-Type": "text/plain; charset=utf-8"]) else { return }
        for id in 0..<count { exchange.write(line(exchange, id: id)) }
        exchange.finish()
    }

    /// The shared parameters of `/jsonl` and `/sse`.
    struct Pacing {
        var count: Int
        var duration: Duration
        var delay: Duration = .zero
        var jitter = 0.0

        init(query: Substring, count: Int, countRange: ClosedRange<Int>, clamps: Bool, duration: Duration, max: Duration)
            throws(HTTPBinBadParameter) {
            let pairs = URLEncodingPairs(query)
            self.count = count
            self.duration = duration
            if let text = pairs["count"], !text.isEmpty {
                do { self.count = try GoParse.atoi(Substring(text)) } catch { throw error.prefixed("invalid count") }
                if clamps {
                    self.count = Swift.min(Swift.max(self.count, countRange.lowerBound), countRange.upperBound)
                } else if !countRange.contains(self.count) {
                    throw HTTPBinBadParameter(detail: "invalid count: must in range [\(countRange.lowerBound), \(countRange.upperBound)]")
                }
            }
            if let text = pairs["duration"], !text.isEmpty {
                do { self.duration = try GoParse.boundedDuration(Substring(text), min: .nanoseconds(1), max: max) } catch {
                    throw error.prefixed("invalid duration")
                }
            }
            if let text = pairs["delay"], !text.isEmpty {
                do { delay = try GoParse.boundedDuration(Substring(text), min: .zero, max: max) } catch { throw error.prefixed("invalid delay") }
            }
            if let text = pairs["jitter"], !text.isEmpty {
                guard let value = Double(text), (0...1).contains(value) else {
                    throw HTTPBinBadParameter(detail: "invalid jitter: must be a float in [0, 1]")
                }
                jitter = value
            }
        }

        var pause: Duration { HTTPBinLimits.pausePerWrite(duration, count: count) }

        /// The pause with jitter: `pause · (1 + jitter · (2·rand − 1))`, never negative.
        var jitteredPause: Duration {
            guard jitter > 0 else { return pause }
            return Swift.max(.zero, pause * (1 + jitter * (2 * Double.random(in: 0..<1) - 1)))
        }
    }

    /// Writes `count` items from `make`, paced, then `finish` with `trailers()`.
    static func pace(_ exchange: Exchange, _ pacing: Pacing, make: @escaping (Exchange, Int) -> [UInt8],
                     trailers: @escaping () -> HTTPHeaders = { HTTPHeaders() }) {
        var id = 0
        func next(_ exchange: Exchange) {
            while true {
                exchange.write(make(exchange, id))
                id += 1
                guard id < pacing.count else { return exchange.finish(trailers: trailers()) }
                let pause = pacing.jitteredPause
                if pause != .zero { return exchange.after(pause, next) }
            }
        }
        next(exchange)
    }

    /// `/jsonl?count&duration&delay&jitter`: stream lines as `application/x-ndjson`.
    static func jsonl(_ exchange: Exchange, max: Duration) {
        let pacing: Pacing
        do {
            pacing = try Pacing(query: exchange.request.head.query, count: 10, countRange: 1...6096, clamps: true, duration: .zero, max: max)
        } catch { return exchange.answerBadRequest(error) }
        guard pacing.duration + pacing.delay <= max else { return tooMuchTime(exchange) }
        let start = { (exchange: Exchange) in
            guard exchange.startHTTPBinStream(headers: ["Content-Type": "application/x-ndjson; charset=utf-8"]) else { return }
            pace(exchange, pacing, make: line)
        }
        pacing.delay == .zero ? start(exchange) : exchange.after(pacing.delay, countsAsDelayed: true, start)
    }

    /// `/sse?count&duration&delay&jitter`: `ping` events, then a `Server-Timing` trailer.
    static func sse(_ exchange: Exchange, max: Duration) {
        let pacing: Pacing
        do {
            pacing = try Pacing(query: exchange.request.head.query, count: 10, countRange: 1...18724, clamps: false, duration: .seconds(5), max: max)
        } catch { return exchange.answerBadRequest(error) }
        guard pacing.duration + pacing.delay <= max else { return tooMuchTime(exchange) }
        let begun = exchange.startedAt
        let start = { (exchange: Exchange) in
            let headers: HTTPHeaders = ["Trailer": "Server-Timing", "Content-Type": "text/event-stream; charset=utf-8"]
            guard exchange.startHTTPBinStream(headers: headers) else { return }
            let writesBegun = exchange.loop.now
            pace(exchange, pacing, make: { _, id in
                let millis = Int(Date().timeIntervalSince1970 * 1000)
                return Array("event: ping\ndata: {\"id\":\(id),\"timestamp\":\(millis)}\n\n".utf8)
            }, trailers: {
                let now = exchange.loop.now
                return ["Server-Timing": GoParse.serverTiming([
                    ("total_duration", .nanoseconds(Int64(now &- begun)), "total request duration"),
                    ("initial_delay", pacing.delay, "initial delay"),
                    ("write_duration", .nanoseconds(Int64(now &- writesBegun)), "duration of writes after initial delay"),
                    ("pause_per_write", pacing.pause, "computed pause between writes"),
                ])]
            })
        }
        pacing.delay == .zero ? start(exchange) : exchange.after(pacing.delay, countsAsDelayed: true, start)
    }

    /// go-httpbin's plain-text `http.Error` for duration + delay over the maximum.
    private static func tooMuchTime(_ exchange: Exchange) {
        exchange.answerText("Too much time\n", status: 400, headers: ["X-Content-Type-Options": "nosniff"])
    }

    private static let forbiddenTrailers: Set<String> = [
        "Authorization", "Cache-Control", "Content-Encoding", "Content-Length", "Content-Range", "Content-Type",
        "Host", "Max-Forwards", "Set-Cookie", "Te", "Trailer", "Transfer-Encoding",
    ]

    /// `/trailers?k=v…`: the body echo, then each query pair as a trailer field.
    static func trailers(_ exchange: Exchange) {
        let pairs = URLEncoding.formPairs(exchange.request.head.query)
        if let bad = pairs.first(where: { forbiddenTrailers.contains(HTTPBinRequestFacts.canonicalKey($0.name)) }) {
            return exchange.answerBadRequest(HTTPBinBadParameter(detail: "forbidden trailer: \(bad.name)"))
        }
        guard let members = HTTPBinEcho.bodyMembers(exchange) else { return }
        var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8"]
        var trailers = HTTPHeaders()
        for (name, values) in HTTPBinRequestFacts.grouped(pairs) {
            headers.add("Trailer", name)
            trailers.set(HTTPBinRequestFacts.canonicalKey(name), values.last ?? "")
        }
        guard exchange.startHTTPBinStream(headers: headers) else { return }
        exchange.write(Array(JSONValue.object(members).goPrettyText.utf8))
        exchange.finish(trailers: trailers)
    }
}
