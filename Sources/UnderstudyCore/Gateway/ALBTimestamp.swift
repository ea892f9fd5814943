import UnderstudyHTTP

/// ALB's log timestamps: ISO 8601 UTC with microseconds (`2018-07-02T22:23:00.186641Z`);
/// the part up to the second is formatted once per second.
struct ALBTimestamp {
    private var second = -1
    private var prefix: [UInt8] = []

    mutating func append(epochNanoseconds: UInt64, to buffer: ByteBuffer) {
        let seconds = Int(epochNanoseconds / 1_000_000_000)
        if seconds != second {
            second = seconds
            prefix = Array(TimestampFormatter.formatSeconds(seconds).utf8)
        }
        buffer.append(prefix)
        buffer.append(UInt8(ascii: "."))
        let micros = Int(epochNanoseconds % 1_000_000_000 / 1_000)
        var divisor = 100_000
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(micros / divisor % 10))
            divisor /= 10
        }
        buffer.append(UInt8(ascii: "Z"))
    }

    mutating func string(epochNanoseconds: UInt64) -> String {
        let buffer = ByteBuffer(capacity: 32)
        append(epochNanoseconds: epochNanoseconds, to: buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }
}
