/// Why a config value such as `250ms` or `8KiB` could not be parsed; `description` is the reason users read.
public enum ConfigValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a non-negative Go-style duration (`250ms`, `1.5s`, `1h30m`).
    case invalidDuration(String)
    /// Not a non-negative size in `B`, `KiB`, `MiB` or `GiB`.
    case invalidSize(String)
    /// A decimal or mis-cased unit (`8KB`, `8k`, `8kib`) where binary units are expected.
    case decimalSizeUnit(String)

    public var description: String {
        switch self {
        case .invalidDuration(let text):
            "expected a duration like 250ms, got \"\(text)\""
        case .invalidSize(let text):
            "expected a size like 8KiB, got \"\(text)\""
        case .decimalSizeUnit(let text):
            "expected a size like 8KiB, got \"\(text)\" (units are B, KiB, MiB, GiB; 1KiB = 1024B)"
        }
    }
}
