import CSSL

/// One-shot MD5, SHA-256 and HMAC-SHA256 through OpenSSL's EVP and HMAC interfaces, for the
/// SQS message digests and SigV4; stateless.
enum CryptoHash {
    static func md5<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        digest(bytes, Algorithms.shared.md5)
    }

    static func sha256<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        digest(bytes, Algorithms.shared.sha256)
    }

    /// Digest implementations fetched once: OpenSSL 3 otherwise looks each one up by name
    /// on every call (`EVP_md5()` is an implicit fetch), ~2,000 instructions a message.
    /// Fetched objects are read-only and safe to share between threads.
    private struct Algorithms: @unchecked Sendable {
        let md5: OpaquePointer?
        let sha256: OpaquePointer?
        static let shared = Algorithms(md5: EVP_MD_fetch(nil, "MD5", nil) ?? EVP_md5(),
                                       sha256: EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256())
    }

    /// HMAC-SHA256 of `message` under `key` (RFC 2104).
    static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        withNonNilBytes(key) { keyBytes in
            withNonNilBytes(message) { messageBytes in
                _ = HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                         messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                         &output, &length)
            }
        }
        return Array(output.prefix(Int(length)))
    }

    /// Lowercase hex, two digits a byte.
    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            digits.withUTF8Buffer { digit in
                var position = 0
                for byte in bytes {
                    text[position] = digit[Int(byte >> 4)]
                    text[position + 1] = digit[Int(byte & 0x0f)]
                    position += 2
                }
            }
            return bytes.count * 2
        }
    }

    private static func digest<C: Collection>(_ bytes: C, _ type: OpaquePointer?) -> [UInt8] where C.Element == UInt8 {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let hashed = bytes.withContiguousStorageIfAvailable { buffer in
            withNonNilBytes(UnsafeRawBufferPointer(buffer)) { input in
                EVP_Digest(input.baseAddress, input.count, &output, &length, type, nil)
            }
        }
        if hashed == nil {
            withNonNilBytes(Array(bytes)) { input in
                _ = EVP_Digest(input.baseAddress, input.count, &output, &length, type, nil)
            }
        }
        return Array(output.prefix(Int(length)))
    }

    /// Runs `body` over `bytes`, with a valid (one-byte, unread) address when they are empty:
    /// OpenSSL is given a pointer and a zero count rather than NULL.
    private static func withNonNilBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { withNonNilBytes($0, body) }
    }

    private static func withNonNilBytes<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if bytes.baseAddress != nil { return body(bytes) }
        var placeholder: UInt8 = 0
        return withUnsafeBytes(of: &placeholder) { body(UnsafeRawBufferPointer(rebasing: $0.prefix(0))) }
    }
}
