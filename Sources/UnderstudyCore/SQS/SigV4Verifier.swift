/// Checks AWS Signature Version 4 `Authorization` headers as SQS does, against a fixed table of
/// access key id → secret access key; immutable, so one instance serves every loop.
///
/// What it does not police: the clock (no `RequestTimeTooSkewed`: staging machines have skewed
/// clocks, and an emulator emulates), the region and service in the credential scope (any
/// region, any service name), `X-Amz-Security-Token` (session tokens are not validated), and
/// presigned query-string authentication (`X-Amz-Signature` in the query counts as `.missing`).
package struct SigV4Verifier: Sendable {
    private let credentials: [String: String]

    /// `credentials`: access key id → secret access key.
    package init(credentials: [String: String]) {
        self.credentials = credentials
    }

    /// The verdict on one request. `target` is the raw request target (path and `?query` as
    /// received, still percent-encoded); `headers` every field in order; `body` the payload as
    /// received (after de-chunking).
    package func verify(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) -> SigV4Outcome {
        guard let header = headers.first(where: { $0.name.lowercased() == "authorization" })?.value else { return .missing }
        let authorization: SigV4Authorization
        let timestamp: String
        let canonicalHeaders: String
        do throws(SigV4FormatError) {
            authorization = try SigV4Authorization.parse(header)
            timestamp = try SigV4RequestDate.timestamp(headers)
            canonicalHeaders = try SigV4CanonicalRequest.headers(signed: authorization.signedHeaders, in: headers)
        } catch {
            return .malformed(error.message)
        }
        guard let secret = credentials[authorization.accessKeyID] else { return .unknownAccessKey(authorization.accessKeyID) }

        let bodyHash = CryptoHash.hex(CryptoHash.sha256(body))
        let payloadHash = headers.first { $0.name.lowercased() == "x-amz-content-sha256" }?.value ?? bodyHash
        // A claimed body hash (S3-style) is signed, so it must be the body's: else a changed
        // body would pass. `UNSIGNED-PAYLOAD` and the streaming markers are taken as they are.
        if isSHA256Hex(payloadHash), payloadHash.lowercased() != bodyHash { return .signatureMismatch }

        let (path, query) = SigV4CanonicalRequest.split(target: target)
        let canonicalQuery = SigV4CanonicalRequest.query(query)
        let key = signingKey(secret: secret, authorization)
        let given = Array(authorization.signature.lowercased().utf8)
        var matched = false
        for uri in SigV4CanonicalRequest.uris(path: path) {
            let canonicalRequest = SigV4CanonicalRequest.make(
                method: method.uppercased(), uri: uri, query: canonicalQuery, canonicalHeaders: canonicalHeaders,
                signedHeaders: authorization.signedHeaders, payloadHash: payloadHash)
            let stringToSign = [SigV4Authorization.algorithm, timestamp, authorization.credentialScope,
                                CryptoHash.hex(CryptoHash.sha256(canonicalRequest.utf8))].joined(separator: "\n")
            let expected = Array(CryptoHash.hex(CryptoHash.hmacSHA256(key: key, Array(stringToSign.utf8))).utf8)
            matched = Self.constantTimeEqual(expected, given) || matched
        }
        return matched ? .valid : .signatureMismatch
    }

    /// HMAC chain `AWS4`+secret → date → region → service → `aws4_request`.
    private func signingKey(secret: String, _ authorization: SigV4Authorization) -> [UInt8] {
        [authorization.scopeDate, authorization.region, authorization.service, SigV4Authorization.terminator]
            .reduce(Array("AWS4\(secret)".utf8)) { key, part in CryptoHash.hmacSHA256(key: key, Array(part.utf8)) }
    }

    private func isSHA256Hex(_ value: String) -> Bool {
        value.utf8.count == 64 && value.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 102) }
    }

    /// Equal lengths compared without an early exit, so timing does not reveal how many
    /// leading characters of a forged signature were right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
