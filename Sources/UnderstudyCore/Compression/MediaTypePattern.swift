import UnderstudyHTTP

/// One entry of `compression.types`: `type/subtype`, `type/*`, or `type/*+suffix`
/// (`application/*+json` matches `application/problem+json`), matched against a
/// `Content-Type` without its parameters, ignoring case.
struct MediaTypePattern: Sendable, Equatable {
    private let type: String
    /// nil: any subtype.
    private let subtype: String?
    /// Set for `*+suffix`: the subtype must end with `+suffix`.
    private let suffix: String?

    init?(_ text: String) {
        let parts = text.trimmingOWS().lowercasedASCII().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isToken(parts[0]), parts[0] != "*" else { return nil }
        type = String(parts[0])
        if parts[1] == "*" {
            subtype = nil
            suffix = nil
        } else if parts[1].hasPrefix("*+"), Self.isToken(parts[1].dropFirst(2)) {
            subtype = nil
            suffix = "+" + parts[1].dropFirst(2)
        } else if Self.isToken(parts[1]), !parts[1].contains("*") {
            subtype = String(parts[1])
            suffix = nil
        } else {
            return nil
        }
    }

    private static func isToken(_ text: Substring) -> Bool {
        // tchar (RFC 9110 §5.6.2)
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || "!#$%&'*+-.^_`|~".utf8.contains(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        }
    }

    /// True when `contentType` (a whole `Content-Type` value) is of this pattern.
    func matches(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingOWS().lowercasedASCII() } ?? ""
        guard let slash = media.firstIndex(of: "/"), media[..<slash] == type else { return false }
        let actual = media[media.index(after: slash)...]
        if let subtype { return actual == subtype }
        if let suffix { return actual.hasSuffix(suffix) }
        return !actual.isEmpty
    }
}
