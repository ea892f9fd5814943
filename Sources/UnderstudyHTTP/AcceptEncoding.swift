/// The content codings Understudy reads and writes (RFC 9110 §8.4.1): gzip (RFC 1952),
/// deflate (the zlib format, RFC 1950) and identity (none).
public enum ContentCoding: String, Sendable, CaseIterable {
    case gzip, deflate, identity

    /// The coding a `Content-Encoding` or `Accept-Encoding` token names, nil for any other;
    /// `x-gzip` is gzip (RFC 9110 §8.4.1.3). Case-insensitive.
    public init?(token: some StringProtocol) {
        let name = token.trimmingOWS().lowercasedASCII()
        switch name {
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        case "identity": self = .identity
        default: return nil
        }
    }
}

/// A request's `Accept-Encoding` (RFC 9110 §12.5.3), read once: the weight the client gives
/// each coding (`q`, 0–1), explicit or through `*`.
public struct AcceptEncoding: Sendable, Equatable {
    /// Explicitly weighted codings, by the name the client wrote (lowercased).
    private var weights: [String: Double] = [:]
    /// The `*` weight, if the client sent one.
    private var wildcard: Double?
    /// False when the field was absent.
    public let isPresent: Bool

    /// Parses the field's combined value (nil: the field was absent). A member with a
    /// malformed `q` is ignored, as a member the client did not send.
    public init(_ value: String?) {
        guard let value else {
            isPresent = false
            return
        }
        isPresent = true
        for member in value.split(separator: ",") {
            var parameters = member.split(separator: ";").makeIterator()
            guard let name = parameters.next()?.trimmingOWS().lowercasedASCII(), !name.isEmpty else { continue }
            var weight: Double? = 1
            while let parameter = parameters.next() {
                let pair = parameter.trimmingOWS()
                guard pair.count >= 2, pair.first == "q" || pair.first == "Q", pair.dropFirst().first == "=" else { continue }
                weight = Self.qValue(pair.dropFirst(2).trimmingOWS())
            }
            guard let weight else { continue }
            let key = name == "x-gzip" ? "gzip" : name
            if key == "*" { wildcard = max(wildcard ?? 0, weight) } else { weights[key] = max(weights[key] ?? 0, weight) }
        }
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (RFC 9110 §12.4.2).
    private static func qValue(_ text: Substring) -> Double? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        if bytes.count == 1 { return Double(first - UInt8(ascii: "0")) }
        guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5,
              bytes[2...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let value = Double(String(decoding: bytes, as: UTF8.self)) ?? -1
        return value >= 0 && value <= 1 ? value : nil
    }

    /// The weight the client gives `coding`. Identity is acceptable unless excluded by name
    /// or by `*;q=0` without its own entry; other codings need a name or `*`.
    public func weight(of coding: ContentCoding) -> Double {
        if let weight = weights[coding.rawValue] { return weight }
        if let wildcard { return wildcard }
        return coding == .identity ? 1 : 0
    }

    /// The coding to send a compressible response in: the acceptable one with the highest
    /// weight, gzip before deflate before identity on a tie. Identity competes with the
    /// weight the client gave it (by name or `*`); left unnamed it is only the fallback, as
    /// nginx and Apache read `gzip;q=0.5` (compress). Without the field, identity: a client
    /// that did not ask may not decode. When nothing is acceptable, identity too (RFC 9110
    /// §12.5.3 allows sending it rather than 406; browsers and curl expect that).
    public var preferred: ContentCoding {
        guard isPresent else { return .identity }
        var best = ContentCoding.identity
        var bestWeight = 0.0
        for coding in [ContentCoding.gzip, .deflate, .identity] {
            let weight = coding == .identity ? (weights["identity"] ?? wildcard ?? 0) : self.weight(of: coding)
            if weight > bestWeight {
                best = coding
                bestWeight = weight
            }
        }
        return best
    }
}
