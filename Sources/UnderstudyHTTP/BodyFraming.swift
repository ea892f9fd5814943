/// How a request's body is delimited, decided from its head (RFC 9112 §6.3).
public enum BodyFraming: Equatable, Sendable {
    case none
    case contentLength(Int)
    case chunked

    /// Reads the framing headers together, rejecting every ambiguous combination.
    static func of(_ head: RequestHead, limits: ParserLimits) throws(RequestRejection) -> BodyFraming {
        var hostCount = 0
        var lengths: [String] = []
        var codings: [String] = []
        for field in head.headers {
            if field.name.equalsIgnoringASCIICase("host") {
                hostCount += 1
            } else if field.name.equalsIgnoringASCIICase("content-length") {
                // The usual case, one plain number, without splitting.
                if !field.value.isEmpty, field.value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                    lengths.append(field.value)
                    continue
                }
                lengths.append(contentsOf: field.value.split(separator: ",", omittingEmptySubsequences: false)
                    .map { String($0.trimmingOWS()) })
            } else if field.name.equalsIgnoringASCIICase("transfer-encoding") {
                codings.append(contentsOf: field.value.split(separator: ",")
                    .map { $0.trimmingOWS().lowercasedASCII() }.filter { !$0.isEmpty })
            }
        }
        if hostCount > 1 { throw .multipleHost }
        if hostCount == 0 && head.version == .http1_1 { throw .missingHost }
        if !codings.isEmpty {
            if !lengths.isEmpty { throw .conflictingFraming }
            if head.version == .http1_0 { throw .transferEncodingInHTTP10 }
            guard codings.last == "chunked", codings.filter({ $0 == "chunked" }).count == 1 else {
                throw .transferEncodingNotChunked
            }
            if let unknown = codings.first(where: { $0 != "chunked" }) { throw .unknownTransferCoding(unknown) }
            return .chunked
        }
        guard let first = lengths.first else { return .none }
        guard lengths.allSatisfy({ $0 == first }) else { throw .conflictingContentLength }
        guard !first.isEmpty, first.utf8.count <= 18,
              first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(first) else { throw .invalidContentLength }
        if length > limits.bodyBytes { throw .bodyTooLarge(limit: limits.bodyBytes) }
        return length == 0 ? .none : .contentLength(length)
    }
}
