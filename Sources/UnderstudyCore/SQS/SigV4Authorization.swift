/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
/// header, parsed once per request by `SigV4Verifier`.
struct SigV4Authorization: Equatable {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let terminator = "aws4_request"

    var accessKeyID: String
    /// `YYYYMMDD`, the date the signing key is derived for.
    var scopeDate: String
    var region: String
    var service: String
    /// Lowercased, in the client's order (sorted, from every SDK).
    var signedHeaders: [String]
    var signature: String

    /// `date/region/service/aws4_request`, as the string to sign carries it.
    var credentialScope: String { "\(scopeDate)/\(region)/\(service)/\(Self.terminator)" }

    /// Parses the header value. Components may be separated by commas, spaces or both
    /// (botocore writes `, `, several SDKs `,`); AWS splits the same way, which is why a space
    /// after `Credential=` leaves the key id as a token without `=`. Unknown components are ignored.
    static func parse(_ header: String) throws(SigV4FormatError) -> SigV4Authorization {
        let required = ["Credential", "Signature", "SignedHeaders"]
        let trimmed = header.drop { $0 == " " || $0 == "\t" }
        let scheme = trimmed.prefix { $0 != " " && $0 != "\t" && $0 != "," }
        guard scheme == algorithm else { throw .missingComponents(required, header: header) }
        var components: [String: Substring] = [:]
        for token in trimmed.dropFirst(scheme.count).split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            guard let equals = token.firstIndex(of: "=") else { throw .notKeyValue(String(token), header: header) }
            let key = token[..<equals]
            if let name = required.first(where: { $0.lowercased() == key.lowercased() }) {
                components[name] = token[token.index(after: equals)...]
            }
        }
        let missing = required.filter { components[$0]?.isEmpty ?? true }
        guard missing.isEmpty, let credential = components["Credential"], let signedHeaders = components["SignedHeaders"],
              let signature = components["Signature"] else { throw .missingComponents(missing, header: header) }

        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5 else { throw .credentialElements(String(credential)) }
        guard scope[4] == terminator else { throw .credentialTerminator(String(scope[4])) }
        return SigV4Authorization(
            accessKeyID: String(scope[0]), scopeDate: String(scope[1]), region: String(scope[2]), service: String(scope[3]),
            signedHeaders: signedHeaders.split(separator: ";").map { $0.lowercased() },
            signature: String(signature))
    }
}
