/// Why a request's SigV4 signature cannot even be checked; `message` is the text AWS puts in
/// its `IncompleteSignature` error for the same fault.
enum SigV4FormatError: Error, Equatable {
    /// Some of `Credential`, `SignedHeaders`, `Signature` absent or empty (or no SigV4 header at all).
    case missingComponents([String], header: String)
    /// A token after the algorithm without `=`.
    case notKeyValue(String, header: String)
    /// `Credential` is not `keyid/date/region/service/term`.
    case credentialElements(String)
    /// The credential scope does not end in `aws4_request`.
    case credentialTerminator(String)
    /// Neither `X-Amz-Date` nor `Date`.
    case missingDate
    /// The date header is neither ISO 8601 basic format nor an HTTP date.
    case badDate(String)
    /// `SignedHeaders` names a header the request lacks.
    case signedHeaderAbsent(String)

    var message: String {
        switch self {
        case .missingComponents(let names, let header):
            names.map { "Authorization header requires '\($0)' parameter." }.joined(separator: " ") + " Authorization=\(header)"
        case .notKeyValue(let token, let header):
            "'\(token)' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'."
        case .credentialElements(let credential):
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'"
        case .credentialTerminator(let terminator):
            "Credential should be scoped with a valid terminator: 'aws4_request', not '\(terminator)'."
        case .missingDate:
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        case .badDate(let value):
            "Date must be in ISO-8601 'basic format'. Got '\(value)'. See http://en.wikipedia.org/wiki/ISO_8601"
        case .signedHeaderAbsent(let name):
            "'\(name)' is named as a SignedHeader, but it does not exist in the HTTP request."
        }
    }
}
