/// A bad flag or argument to `probe` or `load`; `description` is the one-line message the
/// CLI prints before exiting 2.
public enum ClientArgumentError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String, String)
    case invalidMatcher(String)
    case notPositive(flag: String)
    case outOfRange(flag: String, value: Int, range: ClosedRange<Int>)
    case conflicting(String, String)
    /// `flag`'s value must be below `other`'s (a health check's timeout below its interval).
    case notBelow(flag: String, other: String)
    case unresolvable(host: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid URL \"\(url)\": \(reason)"
        case .invalidMatcher(let text): "--matcher: expected codes and ranges like 200,202,300-399, got \"\(text)\""
        case .notPositive(let flag): "\(flag): must be greater than zero"
        case .outOfRange(let flag, let value, let range): "\(flag): \(value) is outside \(range.lowerBound)-\(range.upperBound)"
        case .conflicting(let a, let b): "\(a) and \(b) cannot be used together"
        case .notBelow(let flag, let other): "\(flag): must be shorter than \(other)"
        case .unresolvable(let host, let reason): "cannot resolve \(host): \(reason)"
        }
    }
}
