import UnderstudyHTTP

/// `/status/{code}` (one code, or weighted choices `200:3,500:1`) and `/unstable`. The
/// response for a code is public to the module: fault rules reuse it (`X-Understudy-Status`).
enum HTTPBinStatus {
    /// go-httpbin's answer for `code`: `text/plain`, empty body, with its special cases
    /// (redirect `Location`s, 401/407 challenges, the 402 and 418 jokes, the 406 JSON).
    static func statusResponse(_ code: Int) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
        var body = ""
        switch code {
        case 100..<200 where code != 101:
            // go-httpbin sends the interim response, then a final empty 200; `status` sends the
            // interim one, fault rules (`X-Understudy-Status`) answer the 200 alone.
            return HTTPResponse(status: 200, headers: headers)
        case 300:
            headers.add("Location", "/image/jpeg")
            body = "<!doctype html>\n<head>\n<title>Multiple Choices</title>\n</head>\n<body>\n<ul>\n"
                + "<li><a href=\"/image/jpeg\">/image/jpeg</a></li>\n<li><a href=\"/image/png\">/image/png</a></li>\n"
                + "<li><a href=\"/image/svg\">/image/svg</a></li>\n</body>\n</html>"
        case 301, 302, 303, 305, 307:
            headers.add("Location", "/redirect/1")
        case 308:
            headers.add("Location", "/image/jpeg")
            body = "<!doctype html>\n<head>\n<title>Permanent Redirect</title>\n</head>\n"
                + "<body>Permanently redirected to <a href=\"/image/jpeg\">/image/jpeg</a>\n</body>\n</html>"
        case 401:
            headers.add("WWW-Authenticate", "Basic realm=\"Fake Realm\"")
        case 402:
            headers.add("X-More-Info", "http://vimeo.com/22053820")
            body = "Fuck you, pay me!"
        case 406:
            headers.set("Content-Type", "application/json; charset=utf-8")
            body = JSONValue.object([
                .init("message", .string("Client did not request a supported media type")),
                .init("accept", .array(["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/"].map(JSONValue.string))),
            ]).goPrettyText
        case 407:
            headers.add("Proxy-Authenticate", "Basic realm=\"Fake Realm\"")
        case 418:
            headers.add("X-More-Info", "http://tools.ietf.org/html/rfc2324")
            body = "I'm a teapot!"
        default:
            break
        }
        return HTTPResponse(status: code, headers: headers, body: Array(body.utf8))
    }

    static func status(_ exchange: Exchange, _ value: String) {
        do {
            let code = value.contains(",") ? try pick(from: value) : try GoParse.statusCode(Substring(value))
            if (100..<200).contains(code) && code != 101 {
                // Go writes a 1xx at once with the fields set so far: CORS and Content-Type.
                var headers = exchange.corsHeaders
                headers.add("Content-Type", "text/plain; charset=utf-8")
                exchange.sendInformational(status: code, headers: headers)
            }
            exchange.answer(statusResponse(code))
        } catch {
            exchange.answerBadRequest(error)
        }
    }

    /// A weighted draw from `code[:weight],…` (weights default to 1).
    static func pick(from value: String) throws(HTTPBinBadParameter) -> Int {
        var choices: [(code: Int, weight: Double)] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let code = Int(parts[0]) else { throw HTTPBinBadParameter(detail: "invalid choice value: \(GoParse.quote(parts[0]))") }
            // Go would panic on a code outside 100…999 (WriteHeader); we refuse it instead.
            guard (100...999).contains(code) else {
                throw HTTPBinBadParameter(detail: "invalid status code: \(code) not in range [100, 999]")
            }
            var weight = 1.0
            if parts.count == 2 {
                guard let parsed = Double(parts[1]) else { throw HTTPBinBadParameter(detail: "invalid weight value: \(GoParse.quote(parts[1]))") }
                weight = parsed
            }
            choices.append((code, weight))
        }
        let total = choices.reduce(0) { $0 + $1.weight }
        var draw = Double.random(in: 0..<1) * total
        for choice in choices {
            if draw < choice.weight { return choice.code }
            draw -= choice.weight
        }
        // Go panics here (no weight positive); we answer 400.
        throw HTTPBinBadParameter(detail: "invalid weights: no choice has a positive weight")
    }

    /// `/unstable?failure_rate=F&seed=S`: 500 with probability F (default 0.5), else 200.
    static func unstable(_ exchange: Exchange) {
        do {
            var random = try HTTPBinRandom(query: exchange.request.head.query)
            var rate = 0.5
            if let text = URLEncodingPairs(exchange.request.head.query)["failure_rate"], !text.isEmpty {
                do { rate = try GoParse.parseFloat(Substring(text)) } catch { throw error.prefixed("invalid failure rate") }
                guard (0...1).contains(rate) else {
                    throw HTTPBinBadParameter(detail: "invalid failure rate: %!d(<nil>) not in range [0, 1]")
                }
            }
            let code = random.nextUnit() < rate ? 500 : 200
            exchange.answer(HTTPResponse(status: code, headers: ["Content-Type": "text/plain; charset=utf-8"]))
        } catch {
            exchange.answerBadRequest(error)
        }
    }
}
