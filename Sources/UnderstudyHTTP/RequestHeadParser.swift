/// Parses one complete request head (request line through the blank line) into a
/// `RequestHead`, strictly: anything RFC 9112 lets a recipient reject that could make two
/// parsers disagree (request smuggling) is rejected.
struct RequestHeadParser {
    let limits: ParserLimits

    /// `bytes` holds the head, ending with its blank line.
    func parse(_ bytes: UnsafeRawBufferPointer) throws(RequestRejection) -> RequestHead {
        var lines = LineIterator(bytes: bytes)
        guard let requestLine = try lines.next() else { throw .malformedRequestLine }
        var head = try parseRequestLine(bytes, requestLine)
        var fields: [HTTPHeaders.Field] = []
        fields.reserveCapacity(16)   // one allocation for the usual head, not five
        var hasUnderstudyFields = false
        var nameLengthBits: UInt64 = 0
        while let line = try lines.next() {
            if line.isEmpty { break }
            if fields.count >= limits.headerFields { throw .tooManyHeaderFields(limit: limits.headerFields) }
            // Only names longer than `X-Understudy-` whose first byte is an x need a look.
            if line.count > 14 && bytes[line.lowerBound] | 0x20 == UInt8(ascii: "x") && !hasUnderstudyFields {
                hasUnderstudyFields = HTTPHeaders.isUnderstudyName(bytes[line])
            }
            let field = try parseField(bytes, line)
            nameLengthBits |= HTTPHeaders.lengthBit(field.nameLength)
            fields.append(field.field)
        }
        head.headers = HTTPHeaders(parsed: fields, hasUnderstudyFields: hasUnderstudyFields, nameLengthBits: nameLengthBits)
        return head
    }

    private func parseRequestLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(RequestRejection) -> RequestHead {
        guard let firstSpace = bytes[line].firstIndex(of: UInt8(ascii: " ")) else { throw .malformedRequestLine }
        let methodRange = line.lowerBound..<firstSpace
        guard !methodRange.isEmpty else { throw .malformedRequestLine }
        for byte in bytes[methodRange] where !ByteClass.isToken[Int(byte)] {
            throw byte == 0 ? .nulByte : .invalidMethod
        }
        let afterMethod = firstSpace + 1
        guard let secondSpace = bytes[afterMethod..<line.upperBound].firstIndex(of: UInt8(ascii: " ")) else {
            throw .malformedRequestLine
        }
        let targetRange = afterMethod..<secondSpace
        guard !targetRange.isEmpty else { throw .malformedRequestLine }
        for byte in bytes[targetRange] where !ByteClass.isTarget[Int(byte)] {
            throw byte == 0 ? .nulByte : .invalidTarget
        }
        let version = try parseVersion(bytes[(secondSpace + 1)..<line.upperBound])
        return RequestHead(method: string(bytes, methodRange), target: string(bytes, targetRange),
                           version: version, headers: HTTPHeaders())
    }

    private func parseVersion(_ bytes: Slice<UnsafeRawBufferPointer>) throws(RequestRejection) -> HTTPVersion {
        let text = Array(bytes)
        let prefix = Array("HTTP/".utf8)
        guard text.count == 8, Array(text[0..<5]) == prefix, text[6] == UInt8(ascii: "."),
              let major = digit(text[5]), let minor = digit(text[7]) else {
            if text.contains(0) { throw .nulByte }
            throw .malformedRequestLine
        }
        guard major == 1 else { throw .unsupportedVersion("\(major).\(minor)") }
        return HTTPVersion(major: major, minor: minor)
    }

    private func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private func parseField(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>)
        throws(RequestRejection) -> (field: HTTPHeaders.Field, nameLength: Int) {
        let first = bytes[line.lowerBound]
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { throw .obsoleteLineFolding }
        guard let colon = ByteScan.firstIndex(of: UInt8(ascii: ":"), in: bytes, line) else {
            if bytes[line].contains(0) { throw .nulByte }
            throw .invalidFieldName
        }
        guard colon > line.lowerBound else { throw .invalidFieldName }
        for index in line.lowerBound..<colon where !ByteClass.isToken[Int(bytes[index])] {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                throw bytes[index..<colon].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) ? .whitespaceBeforeColon : .invalidFieldName
            }
            throw byte == 0 ? .nulByte : .invalidFieldName
        }
        var start = colon + 1
        var end = line.upperBound
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if !ByteScan.allFieldValue(bytes, start..<end) {
            for index in start..<end where !ByteClass.isFieldValue[Int(bytes[index])] {
                throw bytes[index] == 0 ? .nulByte : .invalidFieldValue
            }
        }
        return ((string(bytes, line.lowerBound..<colon), string(bytes, start..<end)), colon - line.lowerBound)
    }

    private func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

/// Walks a head's lines: LF-terminated, an optional CR before the LF dropped
/// (RFC 9112 §2.2); a CR anywhere else is a bare CR and rejected.
struct LineIterator {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func next() throws(RequestRejection) -> Range<Int>? {
        guard position < bytes.count else { return nil }
        let start = position
        let lineFeed = ByteScan.firstIndex(of: UInt8(ascii: "\n"), in: bytes, start..<bytes.count)
        let end = lineFeed ?? bytes.count
        // A CR is allowed only right before the LF.
        if let carriageReturn = ByteScan.firstIndex(of: UInt8(ascii: "\r"), in: bytes, start..<end) {
            guard carriageReturn + 1 == end, lineFeed != nil else { throw .bareCarriageReturn }
            position = end + 1
            return start..<carriageReturn
        }
        position = lineFeed.map { $0 + 1 } ?? bytes.count
        return start..<end
    }
}
