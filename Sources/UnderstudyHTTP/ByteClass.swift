/// Byte classes from RFC 9110 §5.6.2 (tchar) and §5.5 (field-value), as lookup tables.
enum ByteClass {
    static let isToken: [Bool] = (0..<256).map { byte in
        let b = UInt8(byte)
        if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { return true }
        if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { return true }
        if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { return true }
        return "!#$%&'*+-.^_`|~".utf8.contains(b)
    }

    /// Allowed in a field value: HTAB, SP, VCHAR, obs-text.
    static let isFieldValue: [Bool] = (0..<256).map { byte in
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    /// Allowed in a request target: VCHAR and obs-text, no SP or CTL.
    static let isTarget: [Bool] = (0..<256).map { byte in
        byte > 0x20 && byte != 0x7F
    }

    static func hexValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
