import UnderstudyHTTP
/// Builds one JSON object, key by key, for log lines and events on hot paths (no
/// Foundation, no intermediate dictionaries). Keys are trusted literals. It writes into a
/// `ByteBuffer`: its own, or a loop's log buffer (`init(appendingTo:)`), so access-log lines
/// go straight into the buffer that is flushed once per loop iteration.
public struct JSONLine {
    let buffer: ByteBuffer
    private var isFirst = true

    public init(capacity: Int = 256) {
        self.init(appendingTo: ByteBuffer(capacity: capacity))
    }

    init(appendingTo buffer: ByteBuffer) {
        self.buffer = buffer
        buffer.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ key: StaticString) {
        if !isFirst { buffer.append(UInt8(ascii: ",")) }
        isFirst = false
        buffer.append(UInt8(ascii: "\""))
        buffer.append(key)
        buffer.append(UInt8(ascii: "\""))
        buffer.append(UInt8(ascii: ":"))
    }

    public mutating func add(_ name: StaticString, _ value: String) {
        key(name)
        Self.appendQuoted(value, to: buffer)
    }

    public mutating func add(_ name: StaticString, _ value: Int) {
        key(name)
        buffer.appendDecimal(value)
    }

    public mutating func add(_ name: StaticString, _ value: UInt64) {
        key(name)
        buffer.appendDecimal(Int(clamping: value))
    }

    public mutating func add(_ name: StaticString, _ value: Bool) {
        key(name)
        buffer.append(value ? "true" : "false")
    }

    /// A value that is already JSON text (a nested object the caller built).
    mutating func add(_ name: StaticString, json text: String) {
        key(name)
        buffer.append(utf8: text)
    }

    /// A string value whose bytes the caller writes (already JSON-safe), e.g. a timestamp.
    mutating func add(_ name: StaticString, rawString write: (ByteBuffer) -> Void) {
        key(name)
        buffer.append(UInt8(ascii: "\""))
        write(buffer)
        buffer.append(UInt8(ascii: "\""))
    }

    /// A number with three decimals (milliseconds with µs precision).
    public mutating func add(_ name: StaticString, milliseconds nanoseconds: UInt64) {
        key(name)
        buffer.appendThousandths(Int(clamping: nanoseconds / 1_000))
    }

    /// A number with three decimals: `value` thousandths.
    mutating func add(_ name: StaticString, thousandths value: Int) {
        key(name)
        buffer.appendThousandths(value)
    }

    mutating func addNull(_ name: StaticString) {
        key(name)
        buffer.append("null")
    }

    /// Closes the object and appends a newline.
    mutating func close() {
        buffer.append(UInt8(ascii: "}"))
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Closes the object and returns the line's bytes (for lines built on their own).
    public mutating func finish() -> [UInt8] {
        close()
        return buffer.array
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control bytes escaped.
    static func appendQuoted(_ value: String, to buffer: ByteBuffer) {
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Copy runs of bytes that need no escape in one go; escape the rest one by one.
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscaped(byte, to: buffer)
                runStart = index + 1
            }
            buffer.append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to buffer: ByteBuffer) {
        switch byte {
        case UInt8(ascii: "\""): buffer.append("\\\"")
        case UInt8(ascii: "\\"): buffer.append("\\\\")
        case UInt8(ascii: "\n"): buffer.append("\\n")
        case UInt8(ascii: "\r"): buffer.append("\\r")
        case UInt8(ascii: "\t"): buffer.append("\\t")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            buffer.append("\\u00")
            hex.withUTF8Buffer { digits in
                buffer.append(digits[Int(byte >> 4)])
                buffer.append(digits[Int(byte & 0xF)])
            }
        default: buffer.append(byte)
        }
    }
}
