import UnderstudyHTTP

/// Where probe and load lines go: text or one JSON object per line, each stamped with the
/// wall-clock time, through the product `OutputWriter`. Owned by the run's loop.
final class ClientOutput {
    let writer: OutputWriter
    let isJSON: Bool
    private var timestamps = TimestampFormatter()

    init(writer: OutputWriter, json: Bool) {
        self.writer = writer
        self.isJSON = json
    }

    /// The current time as RFC 3339 UTC with milliseconds.
    func now() -> String {
        let buffer = ByteBuffer(capacity: 32)
        timestamps.append(to: buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// A JSON line with `event` and `time` first, then what `fill` adds.
    func json(_ event: String, _ fill: (inout JSONLine) -> Void) {
        var line = JSONLine()
        line.add("event", event)
        line.add("time", now())
        fill(&line)
        writer.writeLine(line)
    }

    /// A text line prefixed with the time.
    func text(_ message: String) {
        writer.write(Array("\(now())  \(message)\n".utf8))
    }

    /// `12.345ms`
    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let micros = nanoseconds / 1_000
        let fraction = micros % 1_000
        let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(micros / 1_000).\(padded)ms"
    }

    /// `1.002s`
    static func seconds(_ nanoseconds: UInt64) -> String {
        let millis = nanoseconds / 1_000_000
        let fraction = millis % 1_000
        let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(millis / 1_000).\(padded)s"
    }
}
