import CZlib
import UnderstudyHTTP

/// Decodes a request body sent with `Content-Encoding: gzip` or `deflate` before the handler
/// sees it, never past `limit` decoded bytes, so a small body that expands without bound (a
/// zip bomb) costs at most `limit` of memory. `deflate` is the zlib format (RFC 9110
/// §8.4.1.2); a raw deflate stream, which some clients send under that name, is read too.
enum Inflater {
    enum Failure: Error, Equatable {
        /// Decoded, the body passes `limit`: 413.
        case tooLarge(limit: Int)
        /// Not valid data in the coding, or cut short: 400.
        case malformed(String)
    }

    static func decode(_ input: [UInt8], _ coding: ContentCoding, limit: Int) throws(Failure) -> [UInt8] {
        switch coding {
        case .identity: return input
        case .gzip: return try run(input, windowBits: 31, limit: limit)
        case .deflate:
            do {
                return try run(input, windowBits: 15, limit: limit)
            } catch .malformed {
                return try run(input, windowBits: -15, limit: limit)
            }
        }
    }

    private static func run(_ input: [UInt8], windowBits: Int32, limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .malformed("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { source in
            // zlib reads `next_in` only; its type lacks `const` for old compilers' sake.
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
                }
                if output.count > limit { break }
                // gzip may hold several members back to back (RFC 1952 §2.2): read them all.
                if status == Z_STREAM_END && windowBits == 31 && stream.avail_in > 0 {
                    inflateReset(&stream)
                    continue
                }
                guard status == Z_OK, stream.avail_in > 0 || stream.avail_out == 0 else { break }
            }
            stream.next_in = nil
        }
        if output.count > limit { throw .tooLarge(limit: limit) }
        switch status {
        case Z_STREAM_END:
            guard stream.avail_in == 0 else { throw .malformed("data after the end of the compressed stream") }
            return output
        case Z_OK, Z_BUF_ERROR: throw .malformed("compressed body cut short")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw .malformed(message)
        }
    }
}
