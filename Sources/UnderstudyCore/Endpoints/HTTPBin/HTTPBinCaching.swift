#if canImport(Glibc)
import Glibc
#endif
import UnderstudyHTTP

/// Caching and header echoes: `/cache` (304 for any conditional request), `/cache/{n}`
/// (`Cache-Control: public, max-age=n`), `/etag/{etag}` (Go's `ServeContent`: RFC 9110 §13 preconditions, ranges) and
/// `/response-headers` (query pairs become response fields).
enum HTTPBinCaching {
    static func cache(_ exchange: Exchange) {
        let headers = exchange.request.headers
        if !(headers["If-Modified-Since"] ?? "").isEmpty || !(headers["If-None-Match"] ?? "").isEmpty {
            return exchange.answer(HTTPResponse(status: 304))
        }
        let lastModified = HTTPDate.format(epochSeconds: Int(time(nil)))
        // go-httpbin's quirk: `sha1.New().Sum(lastModified)` appends the empty-input SHA-1 to the input.
        let etag = lastModified.utf8.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            + "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        exchange.answerJSON(exchange.facts.noBodyMembers, headers: ["Last-Modified": lastModified, "ETag": etag])
    }

    static func cache(_ exchange: Exchange, seconds value: String) {
        let seconds: Int
        do { seconds = try GoParse.parseInt(Substring(value)) } catch {
            return exchange.answerBadRequest(error.prefixed("invalid seconds"))
        }
        exchange.answerJSON(exchange.facts.noBodyMembers, headers: ["Cache-Control": "public, max-age=\(seconds)"])
    }

    /// The `/get` body as `text/plain` with `ETag: "<etag>"`, served as Go's `ServeContent`
    /// with the current second as its modification time (preconditions, `If-Range`, ranges).
    static func etag(_ exchange: Exchange, _ etag: String) {
        let headers: HTTPHeaders = ["ETag": "\"\(etag)\"", "Content-Type": "text/plain; charset=utf-8"]
        let body = Array(JSONValue.object(exchange.facts.noBodyMembers).goPrettyText.utf8)
        HTTPBinServeContent.serve(exchange, body: body, headers: headers, modified: Int(time(nil)))
    }

    /// `/response-headers?K=v…`: each pair as a response field and the pairs as the JSON body
    /// (HTML-escaped in the body when the Content-Type asked for is not a safe one).
    static func responseHeaders(_ exchange: Exchange) {
        var pairs = URLEncoding.formPairs(exchange.request.head.query)
        if (pairs.first { $0.name == "Content-Type" }?.value ?? "").isEmpty {
            pairs.append(("Content-Type", "application/json; charset=utf-8"))
        }
        var headers = HTTPHeaders()
        for pair in pairs { headers.add(HTTPBinRequestFacts.canonicalKey(pair.name), pair.value) }
        let contentType = headers["Content-Type"] ?? ""
        let escape = isDangerous(contentType) ? htmlEscape : { $0 }
        let grouped = HTTPBinRequestFacts.grouped(pairs).map { (key: escape($0.key), values: $0.values.map(escape)) }
        let body = JSONValue.stringLists(grouped).goPrettyText
        exchange.answer(HTTPResponse(status: 200, headers: headers, body: Array(body.utf8)))
    }

    /// go-httpbin's safe list is `text/plain`, `application/json` and (a typo upstream)
    /// `application/octet-string`; anything else gets its body HTML-escaped.
    static func isDangerous(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";").first.map { $0.trimmedOWS.lowercased() } ?? ""
        return !["text/plain", "application/json", "application/octet-string"].contains(media)
    }

    /// Go's `html.EscapeString`.
    static func htmlEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
