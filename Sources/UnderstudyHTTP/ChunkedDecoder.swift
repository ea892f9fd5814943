/// Decodes a chunked body incrementally (RFC 9112 §7.1): sizes in hex, extensions skipped,
/// CRLF required after every line and chunk, trailer fields read and ignored.
struct ChunkedDecoder {
    private enum State {
        case size(value: UInt64, digits: Int)
        case extensionBytes(value: UInt64, count: Int)
        case sizeLF(value: UInt64)
        case data(remaining: UInt64)
        case dataCR, dataLF
        case trailerLineStart(total: Int)
        case trailerLine(total: Int)
        case trailerLF(total: Int)
        case finalLF
        case done
    }

    private var state = State.size(value: 0, digits: 0)
    /// Body bytes decoded so far, held against `limits.bodyBytes` (callers may hand each
    /// piece on and empty `body` between calls).
    private var decodedBytes = 0
    let limits: ParserLimits

    init(limits: ParserLimits) { self.limits = limits }

    var isDone: Bool { if case .done = state { true } else { false } }

    /// Consumes bytes into `body`; returns how many it took. Stops at the end of the body.
    mutating func decode(_ bytes: UnsafeRawBufferPointer, into body: inout [UInt8]) throws(RequestRejection) -> Int {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch state {
            case .size(let value, let digits):
                if let digit = ByteClass.hexValue(byte) {
                    guard digits < 16 else { throw .invalidChunkSize }
                    let next = value << 4 | digit
                    if next > UInt64(limits.bodyBytes - decodedBytes) { throw .bodyTooLarge(limit: limits.bodyBytes) }
                    state = .size(value: next, digits: digits + 1)
                } else if digits > 0 && (byte == UInt8(ascii: ";") || byte == 0x20 || byte == 0x09) {
                    state = .extensionBytes(value: value, count: 1)
                } else if digits > 0 && byte == UInt8(ascii: "\r") {
                    state = .sizeLF(value: value)
                } else {
                    throw .invalidChunkSize
                }
            case .extensionBytes(let value, let count):
                if byte == UInt8(ascii: "\r") {
                    state = .sizeLF(value: value)
                } else {
                    guard count < 4096, byte != 0, byte != UInt8(ascii: "\n") else { throw .invalidChunkSize }
                    state = .extensionBytes(value: value, count: count + 1)
                }
            case .sizeLF(let value):
                guard byte == UInt8(ascii: "\n") else { throw .invalidChunkSize }
                state = value == 0 ? .trailerLineStart(total: 0) : .data(remaining: value)
            case .data(let remaining):
                let take = Int(min(remaining, UInt64(bytes.count - index)))
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                decodedBytes += take
                let left = remaining - UInt64(take)
                state = left == 0 ? .dataCR : .data(remaining: left)
                continue
            case .dataCR:
                guard byte == UInt8(ascii: "\r") else { throw .malformedChunk }
                state = .dataLF
            case .dataLF:
                guard byte == UInt8(ascii: "\n") else { throw .malformedChunk }
                state = .size(value: 0, digits: 0)
            case .trailerLineStart(let total):
                state = byte == UInt8(ascii: "\r") ? .finalLF : .trailerLine(total: total + 1)
                if byte == 0 || byte == UInt8(ascii: "\n") { throw .malformedChunk }
            case .trailerLine(let total):
                guard total < limits.headerBytes else { throw .headerTooLarge(limit: limits.headerBytes) }
                if byte == UInt8(ascii: "\r") {
                    state = .trailerLF(total: total + 1)
                } else {
                    guard byte != 0, byte != UInt8(ascii: "\n") else { throw .malformedChunk }
                    state = .trailerLine(total: total + 1)
                }
            case .trailerLF(let total):
                guard byte == UInt8(ascii: "\n") else { throw .malformedChunk }
                state = .trailerLineStart(total: total + 1)
            case .finalLF:
                guard byte == UInt8(ascii: "\n") else { throw .malformedChunk }
                state = .done
                return index + 1
            case .done:
                return index
            }
            index += 1
        }
        return index
    }
}
