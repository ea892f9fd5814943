import CZlib
import UnderstudyHTTP

/// `/gzip` and `/deflate`: the `/get` body (with an empty `url`, as go-httpbin leaves it)
/// plus `gzipped`/`deflated`, compressed whatever `Accept-Encoding` says. Deflate is the
/// zlib wrapper (RFC 1950), as go-httpbin sends it.
enum HTTPBinCompression {
    enum Format {
        case gzip, deflate
        var windowBits: Int32 { self == .gzip ? 31 : 15 }
        var encoding: String { self == .gzip ? "gzip" : "deflate" }
        var flag: String { self == .gzip ? "gzipped" : "deflated" }
    }

    static func answer(_ exchange: Exchange, _ format: Format) {
        var members = exchange.facts.noBodyMembers
        members[members.count - 1] = .init("url", .string(""))
        members.append(.init(format.flag, .bool(true)))
        let json = Array(JSONValue.object(members).goPrettyText.utf8)
        guard let compressed = compress(json, format) else {
            return exchange.answerError(501, "\(format.encoding) compression failed")
        }
        exchange.answer(HTTPResponse(status: 200, headers: ["Content-Encoding": format.encoding,
                                                            "Content-Type": "application/json; charset=utf-8"], body: compressed))
    }

    /// One-shot zlib deflate (`deflateInit2_`: the macro form is not visible to Swift).
    static func compress(_ input: [UInt8], _ format: Format) -> [UInt8]? {
        var stream = z_stream()
        let initialized = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, format.windowBits, 8,
                                        Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initialized == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        var input = input
        let result = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { return nil }
        return Array(output.prefix(Int(stream.total_out)))
    }
}
