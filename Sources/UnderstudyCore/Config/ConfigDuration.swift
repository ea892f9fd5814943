/// A config duration written as Go writes them (`250ms`, `1.5s`, `1h30m`), kept as a Swift `Duration`.
///
/// Encodes to its canonical form: the largest unit that states the value exactly
/// (`75s`, `250ms`, `90m`, `1500ms`, `0s`), which parses back to the same value.
public struct ConfigDuration: Codable, Hashable, Sendable, CustomStringConvertible {
    public var duration: Duration

    public init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses a non-negative Go duration: decimal numbers each with a unit (ns, us, µs, ms, s, m, h), or a bare `0`.
    public init(parsing text: String) throws(ConfigValueError) {
        guard let nanoseconds = Self.nanoseconds(parsing: text) else { throw .invalidDuration(text) }
        duration = .nanoseconds(nanoseconds)
    }

    /// The duration in whole nanoseconds, clamped to `Int64`'s range.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow || overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    public var description: String {
        let value = nanoseconds
        if value == 0 { return "0s" }
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        for (unit, scale) in Self.canonicalUnits where magnitude % scale == 0 {
            return "\(sign)\(magnitude / scale)\(unit)"
        }
        return "\(sign)\(magnitude)ns"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: Parsing

    private static let canonicalUnits: [(String, UInt64)] = [
        ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000),
    ]

    private static let unitNanoseconds: [String: Int64] = [
        "ns": 1, "us": 1_000, "\u{B5}s": 1_000, "\u{3BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    private typealias Scalars = Substring.UnicodeScalarView

    /// Sums `<number><unit>` terms; a fraction is exact down to the nanosecond, then truncated (as Go does).
    private static func nanoseconds(parsing text: String) -> Int64? {
        if text == "0" { return 0 }
        var rest = Substring(text).unicodeScalars
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        while !rest.isEmpty {
            let whole = rest.prefix(while: isDigit)
            rest = rest.dropFirst(whole.count)
            var fraction = Scalars()
            if rest.first == "." {
                fraction = rest.dropFirst().prefix(while: isDigit)
                rest = rest.dropFirst(1 + fraction.count)
            }
            guard !whole.isEmpty || !fraction.isEmpty else { return nil }
            let unit = rest.prefix { ("a"..."z").contains($0) || $0 == "\u{B5}" || $0 == "\u{3BC}" }
            rest = rest.dropFirst(unit.count)
            guard let scale = unitNanoseconds[String(unit)],
                  let term = term(whole: whole, fraction: fraction, scale: scale)
            else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(term)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static func term(whole: Scalars, fraction: Scalars, scale: Int64) -> Int64? {
        var value: Int64 = 0
        for digit in whole {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.addingReportingOverflow(Int64(digit.value) - 48)
            guard !overflow, !overflow2 else { return nil }
            value = next
        }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        value = scaled
        var place = scale
        for digit in fraction {
            place /= 10
            guard place > 0 else { break }
            let (next, overflow) = value.addingReportingOverflow((Int64(digit.value) - 48) * place)
            guard !overflow else { return nil }
            value = next
        }
        return value
    }
}
