import UnderstudyHTTP

/// Request echoes: `/get`, `/post` and friends, `/anything`, `/headers`, `/ip`,
/// `/user-agent`, `/upload`, `/dump/request` (go-httpbin's shapes, field by field).
enum HTTPBinEcho {
    /// `/get`, `/head`: `args`, `headers`, `method`, `origin`, `url`.
    static func noBody(_ exchange: Exchange) {
        exchange.answerJSON(exchange.facts.noBodyMembers)
    }

    /// `/post`, `/put`, `/patch`, `/delete`: the request echo plus `data`, `files`, `form`, `json`.
    static func withBody(_ exchange: Exchange) {
        guard let members = bodyMembers(exchange) else { return }
        exchange.answerJSON(members)
    }

    /// The body-echo members, or nil after answering 400 for a body that does not parse.
    static func bodyMembers(_ exchange: Exchange) -> [JSONValue.Member]? {
        do {
            return exchange.facts.noBodyMembers + (try HTTPBinBody(parsing: exchange.request)).members
        } catch {
            exchange.answerBadRequest(error)
            return nil
        }
    }

    /// `/anything[/…]`: any method; HEAD answers as `/get` does.
    static func anything(_ exchange: Exchange) {
        exchange.request.method == "HEAD" ? noBody(exchange) : withBody(exchange)
    }

    /// `/upload`: the body is counted and dropped.
    static func upload(_ exchange: Exchange) {
        exchange.answerJSON(exchange.facts.noBodyMembers + [.init("bytes_received", .number(Double(exchange.request.body.count)))])
    }

    static func headers(_ exchange: Exchange) {
        exchange.answerJSON([.init("headers", exchange.facts.headers)])
    }

    /// `{"origin": …}`, or `<ip>\n` with `?format=text`.
    static func ip(_ exchange: Exchange) {
        let origin = exchange.facts.origin
        let format = URLEncoding.formPairs(exchange.request.head.query).first { $0.name == "format" }?.value
        if format == "text" { return exchange.answerText(origin + "\n") }
        exchange.answerJSON([.init("origin", .string(origin))])
    }

    static func userAgent(_ exchange: Exchange) {
        exchange.answerJSON([.init("user-agent", .string(exchange.request.headers["User-Agent"] ?? ""))])
    }

    /// Go's `httputil.DumpRequest(r, true)`: request line, Host, the other fields sorted by
    /// canonical name, blank line, body.
    static func dumpRequest(_ exchange: Exchange) {
        let request = exchange.request
        var text = "\(request.method) \(request.target) HTTP/\(request.version.major).\(request.version.minor)\r\n"
        text += "Host: \(request.headers["Host"] ?? "")\r\n"
        let others = request.headers.filter { !["host", "transfer-encoding", "trailer"].contains($0.name.lowercased()) }
            .map { (name: HTTPBinRequestFacts.canonicalKey($0.name), value: $0.value) }
        for (name, values) in HTTPBinRequestFacts.grouped(others).sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            for value in values { text += "\(name): \(value)\r\n" }
        }
        text += "\r\n"
        var bytes = Array(text.utf8)
        bytes += request.body
        exchange.answer(HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; charset=utf-8"], body: bytes))
    }
}
