import UnderstudyHTTP

/// Go's `checkPreconditions` (net/http's reading of RFC 9110 §13.2.2) for a response whose
/// validators are its `ETag` as sent and `modified`, the `Last-Modified` second (nil when the
/// route sends none, so the date fields are ignored).
enum HTTPBinPreconditions {
    /// What the conditional fields decide.
    enum Outcome: Equatable {
        case preconditionFailed
        case notModified
        /// Serve the content; `range` is the `Range` field unless `If-Range` voided it.
        case proceed(range: String?)
    }

    static func evaluate(method: String, headers: HTTPHeaders, etag: String?, modified: Int?) -> Outcome {
        let isRead = method == "GET" || method == "HEAD"
        var condition = ifMatch(headers["If-Match"], etag: etag)
        if condition == nil, let modified, let since = nonEmpty(headers["If-Unmodified-Since"]).flatMap(HTTPDate.parse) {
            condition = modified <= since
        }
        if condition == false { return .preconditionFailed }
        if let list = nonEmpty(headers["If-None-Match"]) {
            if anyTag(in: list, matches: { $0.dropWeak == (etag ?? "").dropWeak }) {
                return isRead ? .notModified : .preconditionFailed
            }
        } else if isRead, let modified, let since = nonEmpty(headers["If-Modified-Since"]).flatMap(HTTPDate.parse),
                  modified <= since {
            return .notModified
        }
        guard let range = nonEmpty(headers["Range"]) else { return .proceed(range: nil) }
        guard isRead, let ifRange = nonEmpty(headers["If-Range"]) else { return .proceed(range: range) }
        // If-Range holds an entity tag (strong comparison) or the Last-Modified date.
        if let (tag, _) = scanETag(Substring(ifRange)) {
            return .proceed(range: isStrongMatch(tag, etag) ? range : nil)
        }
        guard let modified, HTTPDate.parse(ifRange) == modified else { return .proceed(range: nil) }
        return .proceed(range: range)
    }

    /// `If-Match`: nil when absent, else whether `*` or a tag matches strongly.
    private static func ifMatch(_ value: String?, etag: String?) -> Bool? {
        guard let list = nonEmpty(value) else { return nil }
        return anyTag(in: list) { isStrongMatch($0, etag) }
    }

    /// Walks a field's list as Go does: commas skipped, `*` matches, the walk stops at the
    /// first item that is not a quoted entity tag.
    private static func anyTag(in list: String, matches: (Substring) -> Bool) -> Bool {
        var rest = Substring(list)
        while true {
            rest = rest.trimmedOWS
            guard let first = rest.first else { return false }
            if first == "," {
                rest = rest.dropFirst()
                continue
            }
            if first == "*" { return true }
            guard let (tag, remain) = scanETag(rest) else { return false }
            if matches(tag) { return true }
            rest = remain
        }
    }

    /// Go's `scanETag`: a leading `"…"` or `W/"…"` (RFC 9110 §8.8.3) and what follows it.
    static func scanETag(_ text: Substring) -> (tag: Substring, rest: Substring)? {
        let text = text.trimmedOWS
        let utf8 = text.utf8
        var index = utf8.startIndex
        if text.hasPrefix("W/") { index = utf8.index(index, offsetBy: 2) }
        guard utf8.distance(from: index, to: utf8.endIndex) >= 2, utf8[index] == UInt8(ascii: "\"") else { return nil }
        index = utf8.index(after: index)
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") {
                let end = utf8.index(after: index)
                return (text[..<end], text[end...])
            }
            guard byte == 0x21 || byte >= 0x23 && byte != 0x7F else { return nil }
            index = utf8.index(after: index)
        }
        return nil
    }

    /// Strong comparison: equal, and not weak (`W/`).
    private static func isStrongMatch(_ tag: Substring, _ etag: String?) -> Bool {
        guard let etag else { return false }
        return tag == etag && tag.hasPrefix("\"")
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

private extension StringProtocol {
    /// The tag without a weak marker, for weak comparison.
    var dropWeak: SubSequence { hasPrefix("W/") ? dropFirst(2) : self[...] }
}
