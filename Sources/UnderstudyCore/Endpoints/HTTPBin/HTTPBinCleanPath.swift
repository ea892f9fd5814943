import UnderstudyHTTP

/// Go's ServeMux redirect for non-canonical paths (`//get`, `/a/../get`, `/./get`): 301 to
/// `cleanPath(path)` (`path.Clean`, trailing slash kept) with the query, answered as
/// `http.Redirect` answers. Works on the path as sent, so `%2e%2e` is not a dot segment.
enum HTTPBinCleanPath {
    /// Answers the redirect and returns true if `exchange`'s path is not canonical.
    static func redirectIfNeeded(_ exchange: Exchange) -> Bool {
        let path = exchange.request.path
        guard path.hasPrefix("/"), !isCanonical(path) else { return false }
        exchange.route = "non-canonical"
        let query = exchange.request.head.query
        let location = escapeNonASCII(clean(path) + (query.isEmpty ? "" : "?\(query)"))
        var headers: HTTPHeaders = ["Location": location]
        var body = ""
        let method = exchange.request.method
        if method == "GET" || method == "HEAD" { headers.add("Content-Type", "text/html; charset=utf-8") }
        if method == "GET" { body = "<a href=\"\(HTTPBinCaching.htmlEscape(location))\">Moved Permanently</a>.\n\n" }
        exchange.answer(HTTPResponse(status: 301, headers: headers, body: Array(body.utf8)))
        return true
    }

    /// One pass over the bytes: no empty segment except a trailing one, no `.` or `..` segment.
    static func isCanonical(_ path: Substring) -> Bool {
        let bytes = path.utf8
        var index = bytes.startIndex
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        while index < bytes.endIndex {
            // `index` is at a `/`: look at the segment after it.
            var end = bytes.index(after: index)
            while end < bytes.endIndex && bytes[end] != slash { end = bytes.index(after: end) }
            let length = bytes.distance(from: bytes.index(after: index), to: end)
            if length == 0 && end < bytes.endIndex { return false }   // `//`
            if length == 1 && bytes[bytes.index(after: index)] == dot { return false }
            if length == 2 && bytes[bytes.index(after: index)] == dot && bytes[bytes.index(index, offsetBy: 2)] == dot {
                return false
            }
            index = end
        }
        return true
    }

    /// Go's `cleanPath` for a rooted path: `path.Clean`, then the trailing `/` put back.
    static func clean(_ path: Substring) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = kept.popLast()
            default: kept.append(segment)
            }
        }
        let cleaned = "/" + kept.joined(separator: "/")
        return path.hasSuffix("/") && cleaned != "/" ? cleaned + "/" : cleaned
    }

    /// Go's `hexEscapeNonASCII` for the `Location` value.
    private static func escapeNonASCII(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var out = ""
        for byte in text.utf8 {
            if byte < 0x80 { out.unicodeScalars.append(Unicode.Scalar(byte)) } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: false)
            }
        }
        return out
    }
}
