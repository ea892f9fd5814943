#if canImport(Glibc)
import Glibc
#endif
import UnderstudyHTTP

/// `/cookies` (what the client sent), `/cookies/set` and `/cookies/delete` (302 to `/cookies`
/// with `Set-Cookie` fields; `attr[Name]=value` query keys set cookie attributes).
enum HTTPBinCookies {
    /// `{"cookies": {name: value}}`; the last of a repeated name wins; quotes around values dropped.
    static func list(_ exchange: Exchange) {
        var order: [String] = []
        var values: [String: String] = [:]
        for header in exchange.request.headers.values("Cookie") {
            for item in header.split(separator: ";") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(pair[0].trimmedOWS)
                guard pair.count == 2, !name.isEmpty else { continue }
                var value = String(pair[1].trimmedOWS)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                if values[name] == nil { order.append(name) }
                values[name] = value
            }
        }
        let cookies = order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { JSONValue.Member($0, .string(values[$0] ?? "")) }
        exchange.answerJSON([.init("cookies", .object(cookies))])
    }

    /// Sets (or expires) one cookie per query key: `Path=/; HttpOnly`, `Secure` over https.
    static func set(_ exchange: Exchange, deleting: Bool) {
        let pairs = URLEncoding.formPairs(exchange.request.head.query)
        var path = "/", domain: String?, httpOnly = true, secure = exchange.facts.scheme == "https", sameSite: String?
        var seenAttributes: Set<String> = []
        for pair in pairs where pair.name.hasPrefix("attr[") && pair.name.hasSuffix("]") {
            let attribute = pair.name.dropFirst(5).dropLast().lowercased()
            guard seenAttributes.insert(attribute).inserted else { continue }
            let flag = pair.value == "1" || pair.value.lowercased() == "true"
            switch attribute {
            case "domain": domain = pair.value
            case "path": path = pair.value
            case "httponly": httpOnly = flag
            case "secure": secure = flag
            case "samesite":
                switch pair.value.lowercased() {
                case "strict": sameSite = "Strict"
                case "lax": sameSite = "Lax"
                case "none": sameSite = "None"
                default: break
                }
            default: break
            }
        }
        var headers: HTTPHeaders = ["Location": "/cookies"]
        var seen: Set<String> = []
        for pair in pairs where !(pair.name.hasPrefix("attr[") && pair.name.hasSuffix("]")) && seen.insert(pair.name).inserted {
            guard !pair.name.isEmpty, pair.name.allSatisfy({ $0.isASCII && !"()<>@,;:\\\"/[]?={} \t".contains($0) }) else { continue }
            var value = String(pair.value.filter { $0.isASCII && $0 != "\"" && $0 != ";" && $0 != "\\" })
            if value.contains(" ") || value.contains(",") { value = "\"\(value)\"" }
            var cookie = "\(pair.name)=\(value); Path=\(path)"
            if let domain { cookie += "; Domain=\(domain)" }
            if deleting {
                let yearAgo = Int(EventLoopClock.wallSeconds()) - 365 * 86_400
                cookie += "; Expires=\(HTTPDate.format(epochSeconds: yearAgo)); Max-Age=0"
            }
            if httpOnly { cookie += "; HttpOnly" }
            if secure { cookie += "; Secure" }
            if let sameSite { cookie += "; SameSite=\(sameSite)" }
            headers.add("Set-Cookie", cookie)
        }
        exchange.answer(HTTPResponse(status: 302, headers: headers))
    }
}

/// Wall-clock seconds since the epoch (cookie expiry, `Last-Modified`).
enum EventLoopClock {
    static func wallSeconds() -> Int { Int(time(nil)) }
}
