import Foundation

/// A path or query parameter go-httpbin would refuse; `detail` is its wording (Go's
/// `strconv` and `time` messages included), answered as a 400 error body.
struct HTTPBinBadParameter: Error {
    let detail: String

    /// The same failure with go-httpbin's prefix (`invalid count: …`).
    func prefixed(_ prefix: String) -> HTTPBinBadParameter { HTTPBinBadParameter(detail: "\(prefix): \(detail)") }
}

/// Go's number and duration parsers (`strconv.Atoi`, `ParseInt`, `ParseFloat`,
/// `time.ParseDuration`) and `Duration.String`, with their error texts, so details match go-httpbin.
enum GoParse {
    static func atoi(_ text: Substring) throws(HTTPBinBadParameter) -> Int { try integer(text, function: "Atoi") }

    static func parseInt(_ text: Substring) throws(HTTPBinBadParameter) -> Int { try integer(text, function: "ParseInt") }

    private static func integer(_ text: Substring, function: String) throws(HTTPBinBadParameter) -> Int {
        if let value = Int(text) { return value }
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : text
        let reason = !digits.isEmpty && digits.allSatisfy(\.isASCIIDigit) ? "value out of range" : "invalid syntax"
        throw HTTPBinBadParameter(detail: "strconv.\(function): parsing \(quote(text)): \(reason)")
    }

    static func parseFloat(_ text: Substring) throws(HTTPBinBadParameter) -> Double {
        guard let value = Double(text) else {
            throw HTTPBinBadParameter(detail: "strconv.ParseFloat: parsing \(quote(text)): invalid syntax")
        }
        return value
    }

    /// go-httpbin's `parseDuration`: a Go duration (`1.5s`, `100ms`), else a number of seconds
    /// truncated to milliseconds; the error is then `ParseFloat`'s.
    static func duration(_ text: Substring) throws(HTTPBinBadParameter) -> Duration {
        if let parsed = goDuration(text) { return parsed }
        let seconds = try parseFloat(text)
        guard seconds.magnitude < 9e9 else { throw HTTPBinBadParameter(detail: "strconv.ParseFloat: parsing \(quote(text)): value out of range") }
        return .milliseconds(Int64((seconds * 1000).rounded(.towardZero)))
    }

    /// `parseBoundedDuration`: `duration 11s longer than 10s`, `duration -1s shorter than 0s`.
    static func boundedDuration(_ text: Substring, min: Duration, max: Duration) throws(HTTPBinBadParameter) -> Duration {
        let value = try duration(text)
        if value > max { throw HTTPBinBadParameter(detail: "duration \(format(value)) longer than \(format(max))") }
        if value < min { throw HTTPBinBadParameter(detail: "duration \(format(value)) shorter than \(format(min))") }
        return value
    }

    /// `parseStatusCode` bounded to `range`: `invalid status code: 600 not in range [100, 599]`.
    static func statusCode(_ text: Substring, in range: ClosedRange<Int> = 100...599) throws(HTTPBinBadParameter) -> Int {
        let code: Int
        do { code = try atoi(text) } catch {
            throw HTTPBinBadParameter(detail: "invalid status code: \(quote(text)): \(error.detail)")
        }
        guard range.contains(code) else {
            throw HTTPBinBadParameter(detail: "invalid status code: \(code) not in range [\(range.lowerBound), \(range.upperBound)]")
        }
        return code
    }

    /// `time.ParseDuration`: `[-+]?(number unit)+`, units ns us µs ms s m h; a bare `0` is allowed.
    /// The unsigned part is `ConfigDuration`'s parser (the same grammar, exact to the nanosecond).
    static func goDuration(_ text: Substring) -> Duration? {
        var rest = text
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" { negative = sign == "-"; rest = rest.dropFirst() }
        guard let parsed = try? ConfigDuration(parsing: String(rest)) else { return nil }
        return negative ? .zero - parsed.duration : parsed.duration
    }

    /// Go's `Duration.String`: `0s`, `1ns`, `1.5µs`, `100ms`, `1.5s`, `1m0s`, `1h30m0s`, `-1s`.
    static func format(_ duration: Duration) -> String {
        let total = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        if total == 0 { return "0s" }
        let sign = total < 0 ? "-" : ""
        let ns = total.magnitude
        if ns < 1_000 { return "\(sign)\(ns)ns" }
        if ns < 1_000_000 { return sign + fraction(ns, 1_000) + "µs" }
        if ns < 1_000_000_000 { return sign + fraction(ns, 1_000_000) + "ms" }
        let hours = ns / 3_600_000_000_000, minutes = ns / 60_000_000_000 % 60
        let seconds = fraction(ns % 60_000_000_000, 1_000_000_000) + "s"
        if hours > 0 { return "\(sign)\(hours)h\(minutes)m\(seconds)" }
        if minutes > 0 { return "\(sign)\(minutes)m\(seconds)" }
        return sign + seconds
    }

    private static func fraction(_ value: UInt64, _ unit: UInt64) -> String {
        var text = String(value / unit)
        var remainder = value % unit
        guard remainder > 0 else { return text }
        var digits = ""
        var scale = unit / 10
        while remainder > 0 && scale > 0 {
            digits.append(Character(String(remainder / scale)))
            remainder %= scale
            scale /= 10
        }
        text += "." + digits
        return text
    }

    /// `strconv.Quote` for the printable ASCII go-httpbin details carry.
    static func quote<S: StringProtocol>(_ text: S) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `Server-Timing` entries, `name;dur=12.34;desc="…"`, joined with `, `.
    static func serverTiming(_ entries: [(name: String, duration: Duration, description: String)]) -> String {
        entries.map { entry in
            let ms = entry.duration.seconds * 1000
            return "\(entry.name);dur=\(twoDecimals(ms));desc=\"\(entry.description)\""
        }.joined(separator: ", ")
    }

    private static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    var trimmedOWS: Substring {
        let text = Substring(self)
        let start = text.firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex
        let end = text.lastIndex { $0 != " " && $0 != "\t" }.map(text.index(after:)) ?? start
        return text[start..<end]
    }
}
