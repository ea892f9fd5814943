import UnderstudyHTTP

/// Go's `http.ServeContent` for a body held in memory, as go-httpbin's `/range` and `/etag`
/// use it: the route sets its fields, then this checks the preconditions (412, 304) and
/// answers the whole body, one range (206 with `Content-Range`), several (206
/// `multipart/byteranges`), or 416.
enum HTTPBinServeContent {
    /// Answers `body` with `headers` (the route's `ETag`, `Content-Type`, …); `modified` is
    /// the `Last-Modified` second, nil for Go's zero time (no field, date conditions ignored).
    static func serve(_ exchange: Exchange, body: [UInt8], headers: HTTPHeaders, modified: Int?) {
        var headers = headers
        if let modified { headers.set("Last-Modified", HTTPDate.format(epochSeconds: modified)) }
        let request = exchange.request
        let rangeHeader: String?
        switch HTTPBinPreconditions.evaluate(method: request.method, headers: request.headers,
                                              etag: headers["ETag"], modified: modified) {
        case .preconditionFailed:
            return exchange.answer(HTTPResponse(status: 412, headers: headers))
        case .notModified:
            // Go's writeNotModified: no representation metadata; Last-Modified only without an ETag.
            for name in ["Content-Type", "Content-Length", "Content-Encoding"] { headers.remove(name) }
            if headers["ETag"] != nil { headers.remove("Last-Modified") }
            return exchange.answer(HTTPResponse(status: 304, headers: headers))
        case .proceed(let range):
            rangeHeader = range
        }
        var ranges: [HTTPBinByteRange] = []
        if let rangeHeader, !rangeHeader.isEmpty {
            switch HTTPBinByteRanges.parse(rangeHeader, size: body.count) {
            case .ranges(let parsed):
                // More bytes asked than the body holds: an attack or a confused client; Go serves it whole.
                if parsed.reduce(0, { $0 + $1.length }) <= body.count { ranges = parsed }
            case .noOverlap where body.isEmpty:
                break
            case .noOverlap:
                headers.set("Content-Range", "bytes */\(body.count)")
                return rangeError(exchange, "invalid range: failed to overlap", headers: headers)
            case .invalid:
                return rangeError(exchange, "invalid range", headers: headers)
            }
        }
        var status = 200
        var payload = body
        if ranges.count == 1, let range = ranges.first {
            status = 206
            headers.set("Content-Range", range.contentRange(size: body.count))
            payload = Array(body[range.start..<(range.start + range.length)])
        } else if ranges.count > 1 {
            status = 206
            let boundary = HTTPBinByteRanges.makeBoundary()
            payload = HTTPBinByteRanges.multipartBody(ranges, of: body, contentType: headers["Content-Type"] ?? "",
                                                      boundary: boundary)
            headers.set("Content-Type", "multipart/byteranges; boundary=\(boundary)")
        }
        headers.set("Accept-Ranges", "bytes")
        exchange.answer(HTTPResponse(status: status, headers: headers, body: payload))
    }

    /// Go's `serveError`: the validators and caching fields go, then `http.Error`'s text answer.
    private static func rangeError(_ exchange: Exchange, _ text: String, headers: HTTPHeaders) {
        var headers = headers
        for name in ["Cache-Control", "Content-Encoding", "ETag", "Last-Modified", "Content-Type"] { headers.remove(name) }
        headers.set("X-Content-Type-Options", "nosniff")
        exchange.answerText(text + "\n", status: 416, headers: headers)
    }
}
