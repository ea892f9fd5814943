/// Message ids shaped as SQS's (random version-4 UUIDs, lowercase), from a fast generator
/// seeded once by the system: Foundation's `UUID().uuidString` cost ~7,000 instructions a
/// SendMessage. Ids need to be unique, not secret. Owned by the store, used under its lock.
struct MessageIDGenerator {
    private var random = SplitMix64()

    mutating func next() -> String {
        let high = random.next(), low = random.next()
        var bytes = [UInt8](repeating: 0, count: 36)
        let digits: StaticString = "0123456789abcdef"
        var position = 0
        digits.withUTF8Buffer { hex in
            for index in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> (UInt64(7 - index % 8) * 8))
                if index == 6 { byte = (byte & 0x0F) | 0x40 }   // version 4
                if index == 8 { byte = (byte & 0x3F) | 0x80 }   // RFC 4122 variant
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    bytes[position] = UInt8(ascii: "-")
                    position += 1
                }
                bytes[position] = hex[Int(byte >> 4)]
                bytes[position + 1] = hex[Int(byte & 0x0F)]
                position += 2
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
