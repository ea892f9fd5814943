/// A size in bytes as written in config: `100B`, `16KiB`, `10MiB`, `1GiB`, or a bare number of bytes.
///
/// Encodes to the largest binary unit that states the value exactly (`16KiB`, `1536B`), which parses back to it.
public struct ByteSize: Codable, Hashable, Sendable, CustomStringConvertible, Comparable {
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// Parses a non-negative whole number followed by `B`, `KiB`, `MiB`, `GiB` or nothing (bytes).
    /// Decimal units (`KB`, `MB`) are refused with a hint, so nobody gets 1000 where they meant 1024.
    public init(parsing text: String) throws(ConfigValueError) {
        let digits = text.unicodeScalars.prefix { ("0"..."9").contains($0) }
        let unit = String(text.unicodeScalars.dropFirst(digits.count))
        guard !digits.isEmpty, let count = Int(String(digits)) else { throw .invalidSize(text) }
        guard let scale = Self.units.first(where: { $0.name == unit })?.scale else {
            if Self.misspelledUnits.contains(unit.uppercased()) { throw .decimalSizeUnit(text) }
            throw .invalidSize(text)
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw .invalidSize(text) }
        self.bytes = bytes
    }

    public static func kibibytes(_ count: Int) -> ByteSize { ByteSize(bytes: count * 1024) }
    public static func mebibytes(_ count: Int) -> ByteSize { ByteSize(bytes: count * 1024 * 1024) }

    public var description: String {
        guard bytes != 0 else { return "0B" }
        for (name, scale) in Self.units.reversed() where bytes % scale == 0 {
            return "\(bytes / scale)\(name)"
        }
        return "\(bytes)B"
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

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

    private static let units: [(name: String, scale: Int)] = [
        ("", 1), ("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
    ]

    /// Units people write for sizes that we refuse with a hint (compared upper-cased).
    private static let misspelledUnits: Set<String> = ["K", "KB", "KIB", "M", "MB", "MIB", "G", "GB", "GIB"]
}
