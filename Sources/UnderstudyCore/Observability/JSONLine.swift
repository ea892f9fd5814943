import UnderstudyHTTP

/// Builds one JSON object as bytes, key by key, for log lines and events on hot paths
/// (no Foundation, no intermediate dictionaries). Keys are trusted literals. It can append
/// to an existing buffer (`init(appendingTo:)`), so a loop's log buffer is written in place.
public struct JSONLine {
    public private(set) var bytes: [UInt8]
    private var isFirst = true

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// Continues `buffer`, which it takes over (left empty; `finish` hands it back), so the
    /// object is appended after its bytes without copying them.
    public init(appendingTo buffer: inout [UInt8]) {
        bytes = []
        swap(&bytes, &buffer)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ key: StaticString) {
        if !isFirst { bytes.append(UInt8(ascii: ",")) }
        isFirst = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    public mutating func add(_ name: StaticString, _ value: String) {
        key(name)
        Self.appendQuoted(value, to: &bytes)
    }

    public mutating func add(_ name: StaticString, _ value: Int) {
        key(name)
        ResponseSerializer.appendDecimal(value, to: &bytes)
    }

    public mutating func add(_ name: StaticString, _ value: UInt64) {
        key(name)
        ResponseSerializer.appendDecimal(Int(clamping: value), to: &bytes)
    }

    /// A string value whose bytes the caller writes (already JSON-safe), e.g. a timestamp.
    public mutating func add(_ name: StaticString, rawString write: (inout [UInt8]) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        write(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A number with three decimals (milliseconds with µs precision).
    public mutating func add(_ name: StaticString, milliseconds nanoseconds: UInt64) {
        key(name)
        let micros = Int(clamping: nanoseconds / 1_000)
        ResponseSerializer.appendDecimal(micros / 1_000, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        let fraction = micros % 1_000
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// Closes the object and appends a newline.
    public mutating func finish() -> [UInt8] {
        bytes.append(contentsOf: "}\n".utf8)
        return bytes
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control bytes escaped.
    public static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 { appendEscaped(byte, to: &bytes) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
        case UInt8(ascii: "\n"): bytes.append(contentsOf: "\\n".utf8)
        case UInt8(ascii: "\r"): bytes.append(contentsOf: "\\r".utf8)
        case UInt8(ascii: "\t"): bytes.append(contentsOf: "\\t".utf8)
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: "\\u00".utf8)
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0xF)])
        default: bytes.append(byte)
        }
    }

    public static func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
