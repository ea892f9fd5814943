/// Writes status lines, header sections and chunk framing as bytes (RFC 9112 §4, §7.1).
public enum ResponseSerializer {
    /// Appends `HTTP/1.1 <code> <reason>` and the fields, then the blank line.
    public static func writeHead(status: Int, headers: HTTPHeaders, into buffer: inout [UInt8]) {
        writeStatusLine(status: status, into: &buffer)
        for field in headers {
            appendField(field.name, field.value, to: &buffer)
        }
        buffer.append(contentsOf: crlf)
    }

    /// `HTTP/1.1 <code> <reason>` and CRLF.
    public static func writeStatusLine(status: Int, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status, to: &buffer)
        buffer.append(0x20)
        buffer.append(contentsOf: HTTPStatus.reasonPhrase(status).utf8)
        buffer.append(contentsOf: crlf)
    }

    public static func appendField(_ name: String, _ value: String, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: name.utf8)
        buffer.append(contentsOf: ": ".utf8)
        buffer.append(contentsOf: value.utf8)
        buffer.append(contentsOf: crlf)
    }

    /// One chunk: size in hex, CRLF, data, CRLF. An empty `data` writes nothing (use `writeLastChunk`).
    public static func writeChunk(_ data: UnsafeRawBufferPointer, into buffer: inout [UInt8]) {
        guard data.count > 0 else { return }
        buffer.append(contentsOf: String(data.count, radix: 16).utf8)
        buffer.append(contentsOf: crlf)
        buffer.append(contentsOf: data)
        buffer.append(contentsOf: crlf)
    }

    public static func writeLastChunk(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: "0\r\n\r\n".utf8)
    }

    public static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value == 0 { buffer.append(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var remaining = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while remaining > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            if value < 0 { buffer.append(UInt8(ascii: "-")) }
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }

    static let crlf: [UInt8] = [0x0D, 0x0A]
}
