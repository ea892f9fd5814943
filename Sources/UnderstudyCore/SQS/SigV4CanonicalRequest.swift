import UnderstudyHTTP
/// The SigV4 canonical request ("Create a canonical request", AWS General Reference) rebuilt
/// from a request as received, for services other than S3; stateless.
enum SigV4CanonicalRequest {
    /// The canonical request's lines, `\n`-joined.
    static func make(method: String, uri: String, query: String, canonicalHeaders: String,
                     signedHeaders: [String], payloadHash: String) -> String {
        [method, uri, query, canonicalHeaders, signedHeaders.joined(separator: ";"), payloadHash].joined(separator: "\n")
    }

    /// Path and query of a request target, from origin form (`/a?b`) or absolute form (`http://h/a?b`).
    static func split(target: String) -> (path: Substring, query: Substring) {
        var rest = Substring(target)
        if let scheme = rest.firstRange(of: "://"), !rest[..<scheme.lowerBound].contains("/") {
            let afterAuthority = rest[scheme.upperBound...]
            rest = afterAuthority[(afterAuthority.firstIndex { $0 == "/" || $0 == "?" } ?? afterAuthority.endIndex)...]
        }
        rest = rest[..<(rest.firstIndex(of: "#") ?? rest.endIndex)]
        guard let mark = rest.firstIndex(of: "?") else { return (rest, "") }
        return (rest[..<mark], rest[rest.index(after: mark)...])
    }

    /// The canonical URIs a client may have signed for `path` as it came on the wire, normalized
    /// first: non-S3 SDKs percent-encode the already-encoded path once more (botocore
    /// `quote(path, safe='/~')`, so `%20` is signed as `%2520`). botocore and the JS SDK remove
    /// dot segments and empty segments before encoding (`//a/./b` → `/a/b`); the Go SDK does not,
    /// so the unnormalized form is the second candidate when it differs.
    static func uris(path: Substring) -> [String] {
        let normalized = uriEncode(removeDotSegments(path).utf8, keepingSlash: true)
        let raw = uriEncode((path.isEmpty ? "/" : path).utf8, keepingSlash: true)
        return raw == normalized ? [normalized] : [normalized, raw]
    }

    /// botocore's `remove_dot_segments`: RFC 3986 §5.2.4, also dropping empty segments; keeps a
    /// trailing slash when segments remain.
    static func removeDotSegments(_ path: Substring) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/") where segment != "." {
            if segment == ".." { _ = segments.popLast() } else { segments.append(segment) }
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return leading + segments.joined(separator: "/") + trailing
    }

    /// Pairs decoded (`%XX`, and `+` as a space as in forms) then re-encoded strictly, sorted by
    /// key then value, so botocore's as-sent query and the Java SDK's own encoding agree.
    static func query(_ query: Substring) -> String {
        var pairs: [(key: String, value: String)] = []
        for piece in query.split(separator: "&") {
            let equals = piece.firstIndex(of: "=")
            let key = piece[..<(equals ?? piece.endIndex)]
            let value = equals.map { piece[piece.index(after: $0)...] } ?? ""
            pairs.append((uriEncode(percentDecode(key), keepingSlash: false), uriEncode(percentDecode(value), keepingSlash: false)))
        }
        pairs.sort { ($0.key.utf8.lexicographicallyPrecedes($1.key.utf8)) || ($0.key == $1.key && $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)) }
        return pairs.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// `name:value\n` for each signed header in the given order: every field of that name,
    /// values trimmed with inner whitespace runs collapsed to one space, joined by `,`.
    static func headers(signed: [String], in fields: [(name: String, value: String)]) throws(SigV4FormatError) -> String {
        var lines = ""
        for name in signed {
            let values = fields.filter { $0.name.lowercased() == name }.map { collapseWhitespace($0.value) }
            guard !values.isEmpty else { throw .signedHeaderAbsent(name) }
            lines += "\(name):\(values.joined(separator: ","))\n"
        }
        return lines
    }

    /// RFC 3986 percent-encoding of every byte outside the unreserved set (and `/` when kept),
    /// uppercase hex.
    static func uriEncode<C: Sequence>(_ bytes: C, keepingSlash: Bool) -> String where C.Element == UInt8 {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `%XX` to its byte (a malformed escape stays as written), `+` to a space.
    static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = URLEncoding.hexValue(bytes[index + 1]), let low = URLEncoding.hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return out
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// botocore's `' '.join(value.split())`: trim, and each whitespace run becomes one space.
    private static func collapseWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).joined(separator: " ")
    }
}
