import UnderstudyHTTP

/// `/gzip` and `/deflate`: the `/get` body (with an empty `url`, as go-httpbin leaves it)
/// plus `gzipped`/`deflated`, compressed whatever `Accept-Encoding` says. Deflate is the
/// zlib wrapper (RFC 1950), as go-httpbin sends it.
enum HTTPBinCompression {
    static func answer(_ exchange: Exchange, _ coding: ContentCoding) {
        var members = exchange.facts.noBodyMembers
        members[members.count - 1] = .init("url", .string(""))
        members.append(.init(coding == .gzip ? "gzipped" : "deflated", .bool(true)))
        let json = Array(JSONValue.object(members).goPrettyText.utf8)
        guard let compressed = Deflater.compressAll(json, coding) else {
            return exchange.answerError(501, "\(coding.rawValue) compression failed")
        }
        exchange.answer(HTTPResponse(status: 200, headers: ["Content-Encoding": coding.rawValue,
                                                            "Content-Type": "application/json; charset=utf-8"], body: compressed))
    }
}
