/// Parses one complete response head (status line through the blank line) into a
/// `ResponseHead` (RFC 9112 §4, §5): lenient where clients are (an empty reason, LF-only
/// line ends), strict where a misread would change framing (field syntax, obs-fold).
struct ResponseHeadParser {
    /// Keeps the end-to-end fields as bytes for a proxy (see `ResponseHead.forwardedFields`).
    var forwarding = false

    /// `bytes` holds the head, ending with its blank line.
    func parse(_ bytes: UnsafeRawBufferPointer) throws(ResponseParseError) -> ResponseHead {
        var position = 0
        guard let statusLine = try nextLine(bytes, &position) else { throw .malformedStatusLine }
        var head = try parseStatusLine(bytes, statusLine)
        var fields: [HTTPHeaders.Field] = []
        if forwarding { head.forwardedFields.reserveCapacity(bytes.count) }
        while let line = try nextLine(bytes, &position), !line.isEmpty {
            guard forwarding else {
                fields.append(try parseField(bytes, line))
                continue
            }
            let (name, value) = try fieldRanges(bytes, line)
            switch Self.role(of: UnsafeRawBufferPointer(rebasing: bytes[name])) {
            case .framing: fields.append((string(bytes, name), string(bytes, value)))
            case .hopByHop: continue
            case .endToEnd:
                head.forwardedFields.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[name]))
                head.forwardedFields.append(UInt8(ascii: ":"))
                head.forwardedFields.append(UInt8(ascii: " "))
                head.forwardedFields.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[value]))
                head.forwardedFields.append(UInt8(ascii: "\r"))
                head.forwardedFields.append(UInt8(ascii: "\n"))
            }
        }
        head.headers = HTTPHeaders(fields)
        return head
    }

    private enum FieldRole { case framing, hopByHop, endToEnd }

    /// What a proxy does with a field (RFC 9110 §7.6.1): framing fields are read (the proxy
    /// frames the body anew), hop-by-hop ones dropped, the rest passed on.
    private static func role(of name: UnsafeRawBufferPointer) -> FieldRole {
        switch name.count {
        case 7: return ByteScan.equalsIgnoringCase(name, "trailer") || ByteScan.equalsIgnoringCase(name, "upgrade") ? .hopByHop : .endToEnd
        case 10:
            if ByteScan.equalsIgnoringCase(name, "connection") { return .framing }
            return ByteScan.equalsIgnoringCase(name, "keep-alive") ? .hopByHop : .endToEnd
        case 14: return ByteScan.equalsIgnoringCase(name, "content-length") ? .framing : .endToEnd
        case 16: return ByteScan.equalsIgnoringCase(name, "proxy-connection") ? .hopByHop : .endToEnd
        case 17: return ByteScan.equalsIgnoringCase(name, "transfer-encoding") ? .framing : .endToEnd
        default: return .endToEnd
        }
    }

    /// The next line's range without its CR LF (or bare LF); a CR elsewhere is rejected.
    private func nextLine(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) throws(ResponseParseError) -> Range<Int>? {
        guard position < bytes.count else { return nil }
        let start = position
        let lineFeed = ByteScan.firstIndex(of: UInt8(ascii: "\n"), in: bytes, start..<bytes.count) ?? bytes.count
        var end = lineFeed
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        if ByteScan.firstIndex(of: UInt8(ascii: "\r"), in: bytes, start..<end) != nil { throw .bareCarriageReturn }
        position = lineFeed + 1
        return start..<end
    }

    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    private func parseStatusLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(ResponseParseError) -> ResponseHead {
        let text = UnsafeRawBufferPointer(rebasing: bytes[line])
        guard text.count >= 12, text[0..<5].elementsEqual("HTTP/".utf8), text[6] == UInt8(ascii: "."),
              text[8] == UInt8(ascii: " ") else { throw .malformedStatusLine }
        guard let major = digit(text[5]), let minor = digit(text[7]) else { throw .malformedStatusLine }
        guard major == 1 else { throw .unsupportedVersion("\(major).\(minor)") }
        guard let d1 = digit(text[9]), let d2 = digit(text[10]), let d3 = digit(text[11]), d1 >= 1 else {
            throw .malformedStatusLine
        }
        var reason = ""
        if text.count > 12 {
            guard text[12] == UInt8(ascii: " ") else { throw .malformedStatusLine }
            let reasonBytes = text[13...]
            guard reasonBytes.allSatisfy({ ByteClass.isFieldValue[Int($0)] }) else { throw .malformedStatusLine }
            // A proxy writes its own reason for the status: the target's is not kept.
            if !forwarding { reason = String(decoding: reasonBytes, as: UTF8.self) }
        }
        return ResponseHead(version: HTTPVersion(major: major, minor: minor), status: d1 * 100 + d2 * 10 + d3, reason: reason)
    }

    private func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private func parseField(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(ResponseParseError) -> HTTPHeaders.Field {
        let (name, value) = try fieldRanges(bytes, line)
        return (string(bytes, name), string(bytes, value))
    }

    /// The name's and the value's ranges (value without surrounding whitespace), checked.
    private func fieldRanges(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(ResponseParseError) -> (name: Range<Int>, value: Range<Int>) {
        guard let colon = ByteScan.firstIndex(of: UInt8(ascii: ":"), in: bytes, line), colon > line.lowerBound else {
            throw .invalidField
        }
        for index in line.lowerBound..<colon where !ByteClass.isToken[Int(bytes[index])] { throw .invalidField }
        var start = colon + 1
        var end = line.upperBound
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard ByteScan.allFieldValue(bytes, start..<end) else { throw .invalidField }
        return (line.lowerBound..<colon, start..<end)
    }

    private func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
