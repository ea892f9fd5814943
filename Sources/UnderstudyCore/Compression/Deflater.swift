import CZlib
import UnderstudyHTTP

/// A zlib compression stream for one response body, in gzip (RFC 1952) or deflate (the
/// zlib format, RFC 1950, as go-httpbin and nginx send `deflate`): feed pieces with
/// `compress(_:)`, each flushed to a byte boundary so a streamed chunk reaches the client
/// now (`Z_SYNC_FLUSH`), then `finish()` for the trailer. One-shot bodies use `compressAll`.
/// Owned by one exchange on one loop.
final class Deflater {
    private var stream = z_stream()
    private var isOpen = false

    /// nil when zlib cannot set up the stream (out of memory).
    init?(_ coding: ContentCoding, level: Int = Int(Z_DEFAULT_COMPRESSION)) {
        let windowBits: Int32 = coding == .gzip ? 31 : 15
        // `deflateInit2_`: the `deflateInit2` macro is not visible to Swift.
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                             zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        isOpen = true
    }

    deinit {
        if isOpen { deflateEnd(&stream) }
    }

    /// Compresses `input` and flushes it to a byte boundary.
    func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        run(input, flush: Z_SYNC_FLUSH)
    }

    /// The end of the stream (whatever zlib still holds, and the gzip or zlib trailer).
    func finish() -> [UInt8] {
        run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    /// `input` compressed whole, in one stream.
    static func compressAll(_ input: [UInt8], _ coding: ContentCoding, level: Int = Int(Z_DEFAULT_COMPRESSION)) -> [UInt8]? {
        guard let deflater = Deflater(coding, level: level) else { return nil }
        return input.withUnsafeBytes { deflater.run($0, flush: Z_FINISH) }
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32) -> [UInt8] {
        guard isOpen else { return [] }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var produced = 0
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(input.count)
        while true {
            if produced == output.count { output.append(contentsOf: repeatElement(0, count: max(output.count, 1024))) }
            let result = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.next_out = buffer.baseAddress! + produced
                stream.avail_out = UInt32(buffer.count - produced)
                let result = deflate(&stream, flush)
                produced = buffer.count - Int(stream.avail_out)
                return result
            }
            // Done once zlib has room left over (all flushed), or the stream ended.
            if result == Z_STREAM_END || (result == Z_OK || result == Z_BUF_ERROR) && stream.avail_out > 0 && stream.avail_in == 0 {
                break
            }
            if result != Z_OK && result != Z_BUF_ERROR { break }
        }
        stream.next_in = nil
        output.removeSubrange(produced...)
        if flush == Z_FINISH {
            deflateEnd(&stream)
            isOpen = false
        }
        return output
    }
}
