import UnderstudyHTTP
import UnderstudyNet

/// `/delay/{duration}` and `/drip`: waits on timers (never sleeps), bounded by
/// `faults.max_delay` where go-httpbin bounds them by 10 s; a client that leaves is logged as 499.
enum HTTPBinDelays {
    /// Waits, then echoes the request (body shape) with `Server-Timing: initial_delay;…`.
    static func delay(_ exchange: Exchange, _ value: String, max: Duration) {
        let delay: Duration
        do { delay = try GoParse.boundedDuration(Substring(value), min: .zero, max: max) } catch {
            return exchange.answerBadRequest(error.prefixed("invalid duration"))
        }
        var response: HTTPResponse
        do {
            let members = exchange.facts.noBodyMembers + (try HTTPBinBody(parsing: exchange.request)).members
            response = Exchange.jsonResponse(.object(members))
        } catch {
            response = HTTPBinError.response(400, detail: error.detail)
        }
        response.headers.add("Server-Timing", GoParse.serverTiming([("initial_delay", delay, "initial delay")]))
        exchange.answer(after: delay, response)
    }

    /// The parameters of `/drip`, validated in go-httpbin's order.
    struct Drip {
        var duration: Duration = .seconds(2)
        var delay: Duration = .seconds(2)
        var numBytes = 10
        var code = 200

        init(query: Substring, max: Duration) throws(HTTPBinBadParameter) {
            let pairs = URLEncodingPairs(query)
            if let text = pairs["duration"], !text.isEmpty {
                do { duration = try GoParse.boundedDuration(Substring(text), min: .zero, max: max) } catch { throw error.prefixed("invalid duration") }
            }
            if let text = pairs["delay"], !text.isEmpty {
                do { delay = try GoParse.boundedDuration(Substring(text), min: .zero, max: max) } catch { throw error.prefixed("invalid delay") }
            }
            if let text = pairs["numbytes"], !text.isEmpty {
                do { numBytes = try GoParse.parseInt(Substring(text)) } catch { throw error.prefixed("invalid numbytes") }
                guard (1...HTTPBinLimits.maxBodySize).contains(numBytes) else {
                    throw HTTPBinBadParameter(detail: "invalid numbytes: \(numBytes) not in range [1, \(HTTPBinLimits.maxBodySize)]")
                }
            }
            if let text = pairs["code"], !text.isEmpty { code = try GoParse.statusCode(Substring(text)) }
            guard duration + delay <= max else {
                throw HTTPBinBadParameter(detail: "too much time: \(GoParse.format(duration))+\(GoParse.format(delay)) > \(GoParse.format(max))")
            }
        }

        /// `computePausePerWrite`: the duration spread over the gaps between bytes, rounded up to a ns.
        var pause: Duration { HTTPBinLimits.pausePerWrite(duration, count: numBytes) }
    }

    /// `/drip?duration&delay&numbytes&code`: waits `delay`, then sends `numbytes` `*`s spread
    /// over `duration`, with a `Content-Length` as go-httpbin sends.
    static func drip(_ exchange: Exchange, max: Duration) {
        let drip: Drip
        do { drip = try Drip(query: exchange.request.head.query, max: max) } catch { return exchange.answerBadRequest(error) }
        let pause = drip.pause
        let headers: HTTPHeaders = [
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": String(drip.numBytes),
            "Server-Timing": GoParse.serverTiming([
                ("total_duration", drip.delay + drip.duration, "total request duration"),
                ("initial_delay", drip.delay, "initial delay"),
                ("write_duration", drip.duration, "duration of writes after initial delay"),
                ("pause_per_write", pause, "computed pause between writes"),
            ]),
        ]
        if pause == .zero {
            let response = HTTPResponse(status: drip.code, headers: headers, body: [UInt8](repeating: UInt8(ascii: "*"), count: drip.numBytes))
            return exchange.answer(after: drip.delay, response)
        }
        var remaining = drip.numBytes
        func writeByte(_ exchange: Exchange) {
            exchange.write([UInt8(ascii: "*")])
            remaining -= 1
            if remaining == 0 { return exchange.finish() }
            exchange.after(pause, writeByte)
        }
        let start = { (exchange: Exchange) in
            if exchange.startHTTPBinStream(status: drip.code, headers: headers) { writeByte(exchange) }
        }
        drip.delay == .zero ? start(exchange) : exchange.after(drip.delay, countsAsDelayed: true, start)
    }
}

/// go-httpbin's fixed limits on generated responses (request bodies use `server.limits.body_bytes`).
enum HTTPBinLimits {
    /// `MaxBodySize`: the largest generated body (`/bytes`, `/drip`, `/range`, `/base64`).
    static let maxBodySize = 1_048_576

    /// `computePausePerWrite`: `ceil(duration / (count - 1))`, or `duration` for one write.
    static func pausePerWrite(_ duration: Duration, count: Int) -> Duration {
        guard count > 1 else { return duration }
        let ns = duration.nanosecondsClamped   // durations here are validated non-negative
        let gaps = Int64(count - 1)
        return .nanoseconds((ns + gaps - 1) / gaps)
    }
}
