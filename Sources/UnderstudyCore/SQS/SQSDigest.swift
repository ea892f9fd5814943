/// The MD5 digests SQS returns beside a message (`MD5OfMessageBody`, `MD5OfMessageAttributes`,
/// `MD5OfMessageSystemAttributes`), computed as the SDKs recompute them to check a reply
/// (aws-sdk-java v1 `MessageMD5ChecksumHandler`, v2 `MessageMD5ChecksumInterceptor`); stateless.
package enum SQSDigest {
    /// Lowercase hex MD5 of `bytes`.
    package static func md5Hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        CryptoHash.hex(CryptoHash.md5(bytes))
    }

    /// `MD5OfMessageBody`: the MD5 of the body's UTF-8 bytes.
    package static func ofBody(_ body: String) -> String {
        md5Hex(body.utf8)
    }

    /// `MD5OfMessageAttributes`, or `MD5OfMessageSystemAttributes` given the system attributes
    /// (`AWSTraceHeader`); nil when there are none, as SQS then leaves the field out.
    ///
    /// Attributes in name order (UTF-8 byte order; names are ASCII in valid requests), each as
    /// length-prefixed name, length-prefixed data type, one transport byte, then its
    /// length-prefixed value(s); every length a 4-byte big-endian count of bytes. The transport
    /// byte follows the value that is present, in the SDKs' order: string 1, binary 2, string
    /// list 3, binary list 4, so `String`, `Number` and their custom `.x` types give 1 and
    /// `Binary`/`Binary.x` give 2; an attribute with no value adds no transport byte.
    package static func ofAttributes(_ attributes: MessageAttributes) -> String? {
        guard !attributes.isEmpty else { return nil }
        var buffer: [UInt8] = []
        let sorted = attributes.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (name, value) in sorted {
            appendLengthPrefixed(name.utf8, to: &buffer)
            appendLengthPrefixed(value.dataType.utf8, to: &buffer)
            if let string = value.stringValue {
                buffer.append(TransportType.string.rawValue)
                appendLengthPrefixed(string.utf8, to: &buffer)
            } else if let binary = value.binaryValue {
                buffer.append(TransportType.binary.rawValue)
                appendLengthPrefixed(binary, to: &buffer)
            } else if !value.stringListValues.isEmpty {
                buffer.append(TransportType.stringList.rawValue)
                for member in value.stringListValues { appendLengthPrefixed(member.utf8, to: &buffer) }
            } else if !value.binaryListValues.isEmpty {
                buffer.append(TransportType.binaryList.rawValue)
                for member in value.binaryListValues { appendLengthPrefixed(member, to: &buffer) }
            }
        }
        return md5Hex(buffer)
    }

    /// The one-byte value kinds of the attribute encoding.
    private enum TransportType: UInt8 {
        case string = 1, binary = 2, stringList = 3, binaryList = 4
    }

    private static func appendLengthPrefixed<C: Collection>(_ bytes: C, to buffer: inout [UInt8]) where C.Element == UInt8 {
        let count = UInt32(truncatingIfNeeded: bytes.count)
        buffer.append(contentsOf: [UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)])
        buffer.append(contentsOf: bytes)
    }
}
