/// Builds one JSON object as bytes, key by key, for log lines and events on hot paths
/// (no Foundation, no intermediate dictionaries). Keys are trusted literals.
public struct JSONLine {
    public private(set) var bytes: [UInt8]
    private var isFirst = true

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
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
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func add(_ name: StaticString, _ value: UInt64) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number with three decimals (milliseconds with µs precision).
    public mutating func add(_ name: StaticString, milliseconds nanoseconds: UInt64) {
        key(name)
        let micros = nanoseconds / 1_000
        bytes.append(contentsOf: String(micros / 1_000).utf8)
        bytes.append(UInt8(ascii: "."))
        let fraction = String(micros % 1_000)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 3 - fraction.utf8.count))
        bytes.append(contentsOf: fraction.utf8)
    }

    /// Closes the object and appends a newline.
    public mutating func finish() -> [UInt8] {
        bytes.append(contentsOf: "}\n".utf8)
        return bytes
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control bytes escaped.
    public static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: "\\u00".utf8)
                if hex.count == 1 { bytes.append(UInt8(ascii: "0")) }
                bytes.append(contentsOf: hex.utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public static func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
