/// One satisfiable byte range of a body: where it starts and how many bytes it takes.
struct HTTPBinByteRange: Equatable {
    let start: Int
    let length: Int

    /// `bytes a-b/n`, as in `Content-Range` (RFC 9110 §14.4).
    func contentRange(size: Int) -> String { "bytes \(start)-\(start + length - 1)/\(size)" }
}

/// Go's `net/http` byte-range logic, for routes served as `http.ServeContent` serves them:
/// `parseRange` (RFC 9110 §14.1.2) and the `multipart/byteranges` body (RFC 9110 §14.6).
enum HTTPBinByteRanges {
    /// What a `Range` header asks of a body.
    enum Parsed: Equatable {
        /// The ranges in the order asked (maybe none: the whole body).
        case ranges([HTTPBinByteRange])
        /// Every range starts past the end: 416 `invalid range: failed to overlap`.
        case noOverlap
        /// Not a byte-range set Go accepts: 416 `invalid range`.
        case invalid
    }

    /// Go's `parseRange`: specs separated by commas, blank ones skipped; a range that starts
    /// past the end is dropped, and only when all are does the set fail to overlap.
    static func parse(_ header: String, size: Int) -> Parsed {
        guard header.hasPrefix("bytes=") else { return .invalid }
        var ranges: [HTTPBinByteRange] = []
        var noOverlap = false
        for item in header.dropFirst(6).split(separator: ",", omittingEmptySubsequences: false) {
            let spec = item.trimmedOWS
            if spec.isEmpty { continue }
            guard let dash = spec.firstIndex(of: "-") else { return .invalid }
            let first = spec[..<dash].trimmedOWS, last = spec[spec.index(after: dash)...].trimmedOWS
            if first.isEmpty {
                // A suffix: the last `n` bytes, all of them if `n` exceeds the size.
                guard !last.hasPrefix("-"), let suffix = Int(last), suffix >= 0 else { return .invalid }
                let start = size - min(suffix, size)
                ranges.append(HTTPBinByteRange(start: start, length: size - start))
                continue
            }
            guard let start = Int(first), start >= 0 else { return .invalid }
            if start >= size {
                noOverlap = true
                continue
            }
            if last.isEmpty {
                ranges.append(HTTPBinByteRange(start: start, length: size - start))
            } else {
                guard let end = Int(last), start <= end else { return .invalid }
                ranges.append(HTTPBinByteRange(start: start, length: min(end, size - 1) - start + 1))
            }
        }
        return noOverlap && ranges.isEmpty ? .noOverlap : .ranges(ranges)
    }

    /// Go's `mime/multipart` framing of the ranges: each part opens with `--boundary` and
    /// its sorted fields (`Content-Range`, then `Content-Type`), parts are separated by
    /// CRLF, and `--boundary--` closes the body.
    static func multipartBody(_ ranges: [HTTPBinByteRange], of body: [UInt8], contentType: String,
                              boundary: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ranges.reduce(0) { $0 + $1.length } + ranges.count * (boundary.utf8.count + 96))
        for (index, range) in ranges.enumerated() {
            let head = (index == 0 ? "" : "\r\n") + "--\(boundary)\r\n"
                + "Content-Range: \(range.contentRange(size: body.count))\r\n"
                + "Content-Type: \(contentType)\r\n\r\n"
            out.append(contentsOf: head.utf8)
            out.append(contentsOf: body[range.start..<(range.start + range.length)])
        }
        out.append(contentsOf: "\r\n--\(boundary)--\r\n".utf8)
        return out
    }

    /// `multipart.Writer`'s boundary: 30 random bytes in lowercase hex.
    static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<30).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}
