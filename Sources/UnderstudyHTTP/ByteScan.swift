#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte searches over raw buffers with libc's `memchr` (vectorised), for the parser's hot
/// loops: a head's line ends, colons and blank line are found a word at a time, not a byte.
enum ByteScan {
    /// The first index of `byte` in `bytes[range]`, or nil.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// True when every byte of `bytes[range]` may appear in a field value (HTAB, SP, VCHAR,
    /// obs-text; RFC 9110 §5.5): no control character but HTAB, no DEL.
    @inline(__always)
    static func allFieldValue(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        var bad = false
        for index in range {
            let byte = bytes[index]
            bad = bad || (byte < 0x20 && byte != 0x09) || byte == 0x7F
        }
        return !bad
    }

    /// True when `bytes` spell `lowercase` (a lowercase ASCII name), ignoring ASCII case.
    @inline(__always)
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        var differs: UInt8 = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            // Only letters fold: `|0x20` maps A–Z onto a–z and leaves the name's `-` alone.
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            differs |= folded ^ expected[index]
        }
        return differs == 0
    }
}
