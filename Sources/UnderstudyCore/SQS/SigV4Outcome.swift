/// What `SigV4Verifier` concluded about one request's `Authorization` header, with the AWS
/// error a refusal maps to (`code`, `status`, `message`), derived here and nowhere else.
///
/// | case | code | status |
/// |---|---|---|
/// | `missing` | `MissingAuthenticationToken` | 403 |
/// | `malformed` | `IncompleteSignature` | 400 |
/// | `unknownAccessKey` | `InvalidClientTokenId` | 403 |
/// | `signatureMismatch` | `SignatureDoesNotMatch` | 403 |
///
/// Statuses follow the SQS API reference's Common Errors (`SignatureDoesNotMatch`, absent there,
/// is 403 as every SigV4 service answers it); all are `Sender` faults in a query-protocol
/// `<Error><Type>`. `.valid` maps to nothing (status 200, empty code and message).
package enum SigV4Outcome: Equatable, Sendable {
    case valid
    /// No `Authorization` header.
    case missing
    /// The header or the date it relies on does not parse; AWS's wording of the problem.
    case malformed(String)
    /// The credential names an access key id the verifier has no secret for.
    case unknownAccessKey(String)
    case signatureMismatch

    package var isValid: Bool { self == .valid }

    package var code: String {
        switch self {
        case .valid: ""
        case .missing: "MissingAuthenticationToken"
        case .malformed: "IncompleteSignature"
        case .unknownAccessKey: "InvalidClientTokenId"
        case .signatureMismatch: "SignatureDoesNotMatch"
        }
    }

    package var status: Int {
        switch self {
        case .valid: 200
        case .malformed: 400
        case .missing, .unknownAccessKey, .signatureMismatch: 403
        }
    }

    package var message: String {
        switch self {
        case .valid: ""
        case .missing: "Request is missing Authentication Token"
        case .malformed(let reason): reason
        case .unknownAccessKey: "The security token included in the request is invalid."
        case .signatureMismatch:
            "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        }
    }
}
