import Foundation
import UnderstudyHTTP

/// Redirect chains (`/redirect/{n}`, `/relative-redirect/{n}`, `/absolute-redirect/{n}`),
/// `/redirect-to?url&status_code` and the `/links/{n}` pages.
enum HTTPBinRedirects {
    enum Kind { case relative, absolute }

    /// 302 to the next hop, `/get` after the last; `kind` nil reads `?absolute=true`.
    static func redirect(_ exchange: Exchange, _ value: String, kind: Kind?) {
        let count: Int
        do { count = try GoParse.atoi(Substring(value)) } catch {
            return exchange.answerBadRequest(error.prefixed("invalid redirect count"))
        }
        guard count >= 1 else { return exchange.answerError(400, "redirect count must be > 0") }
        let absolute = kind == .absolute
            || (kind == nil && URLEncodingPairs(exchange.request.head.query)["absolute"]?.lowercased() == "true")
        let path = count - 1 < 1 ? "/get" : absolute ? "/absolute-redirect/\(count - 1)" : "/relative-redirect/\(count - 1)"
        let facts = exchange.facts
        let location = absolute ? "\(facts.scheme)://\(facts.host)\(path)" : path
        exchange.answer(HTTPResponse(status: 302, headers: ["Location": location]))
    }

    /// Redirects to `url` with `status_code` (300…399, default 302). Relative targets must
    /// start with `/`; others are refused with 403 (no allow-list is configured).
    static func redirectTo(_ exchange: Exchange) {
        let pairs = URLEncodingPairs(exchange.request.head.query)
        guard let target = pairs["url"], !target.isEmpty else {
            return exchange.answerError(400, "missing required query parameter: url")
        }
        guard let components = URLComponents(string: target) else {
            return exchange.answerError(400, "invalid url: parse \(GoParse.quote(target)): invalid URL")
        }
        guard components.scheme != nil || components.path.hasPrefix("/") else {
            return exchange.answer(HTTPResponse(status: 403, headers: ["Content-Type": "text/plain"]))
        }
        var status = 302
        if let text = pairs["status_code"], !text.isEmpty {
            do { status = try GoParse.statusCode(Substring(text), in: 300...399) } catch { return exchange.answerBadRequest(error) }
        }
        exchange.answer(HTTPResponse(status: status, headers: ["Location": target]))
    }

    /// `/links/{n}` → 302 to page 0; `/links/{n}/{offset}`: an HTML page linking the other pages.
    static func links(_ exchange: Exchange, _ value: String, offset offsetValue: String?) {
        let count: Int
        do { count = try GoParse.atoi(Substring(value)) } catch {
            return exchange.answerBadRequest(error.prefixed("invalid link count"))
        }
        guard (0...256).contains(count) else {
            return exchange.answerError(400, "invalid link count: \(count) must be in range [0, 256]")
        }
        guard let offsetValue else {
            let query = exchange.request.head.query
            let location = "/links/\(count)/0" + (query.isEmpty ? "" : "?\(query)")
            return exchange.answer(HTTPResponse(status: 302, headers: ["Location": location]))
        }
        let offset: Int
        do { offset = try GoParse.atoi(Substring(offsetValue)) } catch {
            return exchange.answerBadRequest(error.prefixed("invalid offset"))
        }
        var html = "<html><head><title>Links</title></head><body>"
        for index in 0..<count {
            html += index == offset ? "\(index) " : "<a href=\"/links/\(count)/\(index)\">\(index)</a> "
        }
        html += "</body></html>"
        exchange.answerText(html, headers: ["Content-Type": "text/html; charset=utf-8"])
    }
}
