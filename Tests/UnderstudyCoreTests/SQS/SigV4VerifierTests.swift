import Testing
@testable import UnderstudyCore

/// The verifier against AWS's published SigV4 test suite (aws-sig-v4-test-suite, as the JS
/// SDK v3 carries it in `signature-v4/src/suite.fixture.ts`; service `service`, us-east-1,
/// 20150830T123600Z), then each refusal.
struct SigV4VerifierTests {
    static let accessKeyID = "AKIDEXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let verifier = SigV4Verifier(credentials: [accessKeyID: secret])

    /// One suite request: the target and fields as they would arrive, and the expected signature.
    struct SuiteCase: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "GET"
        var target = "/"
        var baseHeaders: [(name: String, value: String)] = [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]
        var extraHeaders: [(name: String, value: String)] = []
        var body = ""
        var signedHeaders = "host;x-amz-date"
        var signature: String
        var testDescription: String { name }

        var headers: [(name: String, value: String)] {
            baseHeaders + extraHeaders + [(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                    + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
            )]
        }
    }

    static let suite: [SuiteCase] = [
        SuiteCase(name: "get-vanilla", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        SuiteCase(name: "get-vanilla-query", target: "/?", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        SuiteCase(name: "get-vanilla-empty-query-key", target: "/?Param1=value1",
                  signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
        SuiteCase(name: "get-vanilla-query-order-key-case", target: "/?Param2=value2&Param1=value1",
                  signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        SuiteCase(name: "get-vanilla-query-unreserved",
                  target: "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                  signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        SuiteCase(name: "get-vanilla-utf8-query", target: "/?%E1%88%B4=bar",
                  signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        SuiteCase(name: "get-unreserved", target: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                  signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        // The suite's path is the unencoded "/ሴ", encoded once; on the wire that is the raw bytes.
        SuiteCase(name: "get-utf8", target: "/ሴ", signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        SuiteCase(name: "get-header-key-duplicate",
                  extraHeaders: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
                  signedHeaders: "host;my-header1;x-amz-date", signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        SuiteCase(name: "get-header-value-multiline", extraHeaders: [("My-Header1", "value1,value2,value3")],
                  signedHeaders: "host;my-header1;x-amz-date", signature: "ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790"),
        SuiteCase(name: "get-header-value-order",
                  extraHeaders: [("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2")],
                  signedHeaders: "host;my-header1;x-amz-date", signature: "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        SuiteCase(name: "get-header-value-trim", extraHeaders: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
                  signedHeaders: "host;my-header1;my-header2;x-amz-date",
                  signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        SuiteCase(name: "post-vanilla", method: "POST", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        SuiteCase(name: "post-header-key-case", method: "POST",
                  baseHeaders: [("HOST", "example.amazonaws.com"), ("X-AMZ-DATE", "20150830T123600Z")],
                  signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        SuiteCase(name: "post-header-key-sort", method: "POST", extraHeaders: [("My-Header1", "value1")],
                  signedHeaders: "host;my-header1;x-amz-date", signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        SuiteCase(name: "post-header-value-case", method: "POST", extraHeaders: [("My-Header1", "VALUE1")],
                  signedHeaders: "host;my-header1;x-amz-date", signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        SuiteCase(name: "post-vanilla-query", method: "POST", target: "/?Param1=value1",
                  signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        SuiteCase(name: "post-vanilla-query-nonunreserved", method: "POST",
                  target: "/?%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D",
                  signature: "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"),
        SuiteCase(name: "post-vanilla-query-space", method: "POST", target: "/?p",
                  signature: "e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b"),
        SuiteCase(name: "post-x-www-form-urlencoded", method: "POST",
                  extraHeaders: [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "13")],
                  body: "Param1=value1", signedHeaders: "content-type;host;x-amz-date",
                  signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        SuiteCase(name: "post-x-www-form-urlencoded-parameters", method: "POST",
                  extraHeaders: [("Content-Type", "application/x-www-form-urlencoded; charset=utf8")],
                  body: "Param1=value1", signedHeaders: "content-type;host;x-amz-date",
                  signature: "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"),
    ]

    @Test(arguments: suite)
    func acceptsSuiteVectors(_ row: SuiteCase) {
        #expect(Self.verify(row) == .valid)
    }

    @Test(arguments: suite)
    func rejectsSuiteVectorsWithAnotherSecret(_ row: SuiteCase) {
        let other = SigV4Verifier(credentials: [Self.accessKeyID: Self.secret + "x"])
        #expect(other.verify(method: row.method, target: row.target, headers: row.headers, body: Array(row.body.utf8)) == .signatureMismatch)
    }

    @Test func signatureCaseAndComponentOrderDoNotMatter() {
        var row = Self.suite[0]
        row.signature = row.signature.uppercased()
        #expect(Self.verify(row) == .valid)
        let headers: [(name: String, value: String)] = [
            ("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z"),
            ("authorization", "AWS4-HMAC-SHA256 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31,"
                + "SignedHeaders=host;x-amz-date,Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"),
        ]
        #expect(Self.verifier.verify(method: "get", target: "/", headers: headers, body: []) == .valid)
    }

    @Test func tamperingIsCaught() throws {
        let row = try #require(Self.suite.first { $0.name == "post-x-www-form-urlencoded" })
        let body = Array(row.body.utf8)
        #expect(Self.verifier.verify(method: "POST", target: "/", headers: row.headers, body: body + [0x26]) == .signatureMismatch)
        #expect(Self.verifier.verify(method: "PUT", target: "/", headers: row.headers, body: body) == .signatureMismatch)
        #expect(Self.verifier.verify(method: "POST", target: "/?x=1", headers: row.headers, body: body) == .signatureMismatch)
        let retyped = row.headers.map { $0.name == "Content-Type" ? (name: $0.name, value: "text/plain") : $0 }
        #expect(Self.verifier.verify(method: "POST", target: "/", headers: retyped, body: body) == .signatureMismatch)
        let unsignedAdded = row.headers + [("User-Agent", "curl/8"), ("X-Forwarded-For", "10.0.0.1")]
        #expect(Self.verifier.verify(method: "POST", target: "/", headers: unsignedAdded, body: body) == .valid)
    }

    @Test func claimedPayloadHashMustMatchTheBody() throws {
        let bodyHash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e" // SHA-256 of Param1=value1
        var row = try #require(Self.suite.first { $0.name == "post-x-www-form-urlencoded" })
        row.extraHeaders.append(("X-Amz-Content-SHA256", bodyHash))
        // The header is not signed here, and its value equals the body's hash: same canonical request.
        #expect(Self.verify(row) == .valid)
        #expect(Self.verifier.verify(method: "POST", target: "/", headers: row.headers, body: Array("Param1=value2".utf8)) == .signatureMismatch)
    }

    @Test func refusals() {
        let vanilla = Self.suite[0]
        #expect(Self.verifier.verify(method: "GET", target: "/", headers: [("Host", "example.amazonaws.com")], body: []) == .missing)
        let stranger = SigV4Verifier(credentials: ["SOMEONE": Self.secret])
        #expect(stranger.verify(method: "GET", target: "/", headers: vanilla.headers, body: []) == .unknownAccessKey("AKIDEXAMPLE"))
        let undated = vanilla.headers.filter { $0.name != "X-Amz-Date" }
        #expect(Self.verifier.verify(method: "GET", target: "/", headers: undated, body: [])
            == .malformed("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
        let hostless = vanilla.headers.filter { $0.name != "Host" }
        #expect(Self.verifier.verify(method: "GET", target: "/", headers: hostless, body: [])
            == .malformed("'host' is named as a SignedHeader, but it does not exist in the HTTP request."))
        let truncated: [(name: String, value: String)] = Array(vanilla.headers.dropLast())
            + [("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request")]
        if case .malformed(let reason) = Self.verifier.verify(method: "GET", target: "/", headers: truncated, body: []) {
            #expect(reason.hasPrefix("Authorization header requires 'Signature' parameter."))
        } else {
            Issue.record("a header without Signature is malformed")
        }
    }

    @Test func outcomesMapToAWSErrors() {
        #expect(SigV4Outcome.missing.code == "MissingAuthenticationToken")
        #expect(SigV4Outcome.missing.status == 403)
        #expect(SigV4Outcome.malformed("x").code == "IncompleteSignature")
        #expect(SigV4Outcome.malformed("x").status == 400)
        #expect(SigV4Outcome.malformed("x").message == "x")
        #expect(SigV4Outcome.unknownAccessKey("K").code == "InvalidClientTokenId")
        #expect(SigV4Outcome.unknownAccessKey("K").status == 403)
        #expect(SigV4Outcome.unknownAccessKey("K").message == "The security token included in the request is invalid.")
        #expect(SigV4Outcome.signatureMismatch.code == "SignatureDoesNotMatch")
        #expect(SigV4Outcome.signatureMismatch.status == 403)
        #expect(SigV4Outcome.signatureMismatch.message
            == "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
            + "and signing method. Consult the service documentation for details.")
        #expect(SigV4Outcome.valid.isValid && !SigV4Outcome.signatureMismatch.isValid)
    }

    @Test func constantTimeEqualityNeedsEqualLengths() {
        #expect(SigV4Verifier.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!SigV4Verifier.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!SigV4Verifier.constantTimeEqual([1, 2], [1, 2, 3]))
    }

    private static func verify(_ row: SuiteCase) -> SigV4Outcome {
        verifier.verify(method: row.method, target: row.target, headers: row.headers, body: Array(row.body.utf8))
    }
}
