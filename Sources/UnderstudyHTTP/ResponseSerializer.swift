/// Writes status lines, header sections and chunk framing as bytes (RFC 9112 §4, §7.1).
public enum ResponseSerializer {
    /// Appends `HTTP/1.1 <code> <reason>` and the fields, then the blank line.
    public static func writeHead(status: Int, headers: HTTPHeaders, into buffer: ByteBuffer) {
        writeStatusLine(status: status, into: buffer)
        for field in headers {
            appendField(field.name, field.value, to: buffer)
        }
        buffer.append("\r\n")
    }

    /// `HTTP/1.1 <code> <reason>` and CRLF.
    public static func writeStatusLine(status: Int, into buffer: ByteBuffer) {
        buffer.append("HTTP/1.1 ")
        buffer.appendDecimal(status)
        buffer.append(0x20)
        buffer.append(utf8: HTTPStatus.reasonPhrase(status))
        buffer.append("\r\n")
    }

    public static func appendField(_ name: String, _ value: String, to buffer: ByteBuffer) {
        buffer.append(utf8: name)
        buffer.append(UInt8(ascii: ":"))
        buffer.append(UInt8(ascii: " "))
        buffer.append(utf8: value)
        buffer.append(0x0D)
        buffer.append(0x0A)
    }

    /// One chunk: size in hex, CRLF, data, CRLF. An empty `data` writes nothing (use `writeLastChunk`).
    public static func writeChunk(_ data: UnsafeRawBufferPointer, into buffer: ByteBuffer) {
        guard data.count > 0 else { return }
        buffer.append(utf8: String(data.count, radix: 16))
        buffer.append("\r\n")
        buffer.append(data)
        buffer.append("\r\n")
    }

    /// The last chunk, then trailer fields if any (RFC 9112 §7.1.2), then the blank line.
    public static func writeLastChunk(trailers: HTTPHeaders = HTTPHeaders(), into buffer: ByteBuffer) {
        buffer.append("0\r\n")
        for field in trailers { appendField(field.name, field.value, to: buffer) }
        buffer.append("\r\n")
    }

}
