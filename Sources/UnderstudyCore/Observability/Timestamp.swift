import UnderstudyHTTP
#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 UTC timestamps with milliseconds (`2026-12-01T22:56:03.123Z`) for log lines;
/// the part up to the second is formatted once per second.
struct TimestampFormatter {
    private var second = -1
    private var prefix: [UInt8] = []

    mutating func append(to bytes: ByteBuffer) {
        let now = WallClock.now()
        if now.tv_sec != second {
            second = now.tv_sec
            prefix = Array(Self.formatSeconds(now.tv_sec).utf8)
        }
        bytes.append(prefix)
        let millis = Int(now.tv_nsec / 1_000_000)
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(millis / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(millis / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(millis % 10))
        bytes.append(UInt8(ascii: "Z"))
    }

    static func formatSeconds(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
    }
}
