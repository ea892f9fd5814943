import Testing
@testable import UnderstudyCore

/// `Authorization` header parsing: the separators SDKs write, and AWS's `IncompleteSignature`
/// wording for each way a header falls short.
struct SigV4AuthorizationTests {
    static let parsed = SigV4Authorization(
        accessKeyID: "AKID", scopeDate: "20261201", region: "us-east-1", service: "sqs",
        signedHeaders: ["host", "x-amz-date"], signature: "abc123")

    @Test(arguments: [
        "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123",
        "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request,SignedHeaders=host;x-amz-date,Signature=abc123",
        "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request SignedHeaders=host;x-amz-date Signature=abc123",
        "  AWS4-HMAC-SHA256   Signature=abc123 ,\tCredential=AKID/20261201/us-east-1/sqs/aws4_request ,SignedHeaders=Host;X-Amz-Date  ",
        "AWS4-HMAC-SHA256,Credential=AKID/20261201/us-east-1/sqs/aws4_request,SignedHeaders=host;x-amz-date,Signature=abc123,Extra=1",
    ])
    func parsesSeparatorVariants(_ header: String) throws {
        #expect(try SigV4Authorization.parse(header) == Self.parsed)
    }

    @Test func credentialScopeReassembles() {
        #expect(Self.parsed.credentialScope == "20261201/us-east-1/sqs/aws4_request")
    }

    @Test(arguments: [
        ("Bearer eyJ0eXAi", SigV4FormatError.missingComponents(["Credential", "Signature", "SignedHeaders"], header: "Bearer eyJ0eXAi")),
        ("AWS4-HMAC-SHA256", .missingComponents(["Credential", "Signature", "SignedHeaders"], header: "AWS4-HMAC-SHA256")),
        ("AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request, Signature=",
         .missingComponents(["Signature", "SignedHeaders"], header: "AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request, Signature=")),
        ("AWS4-HMAC-SHA256 Credential= AKID/20261201/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=ab",
         .notKeyValue("AKID/20261201/us-east-1/sqs/aws4_request",
                      header: "AWS4-HMAC-SHA256 Credential= AKID/20261201/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=ab")),
        ("AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/aws4_request, SignedHeaders=host, Signature=ab",
         .credentialElements("AKID/20261201/us-east-1/aws4_request")),
        ("AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws5_request, SignedHeaders=host, Signature=ab",
         .credentialTerminator("aws5_request")),
    ])
    func rejects(_ header: String, _ expected: SigV4FormatError) {
        #expect(throws: expected) { try SigV4Authorization.parse(header) }
    }

    @Test func messagesUseAWSWording() {
        #expect(SigV4FormatError.missingComponents(["Signature", "SignedHeaders"], header: "AWS4-HMAC-SHA256 Credential=x").message
            == "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
            + "Authorization=AWS4-HMAC-SHA256 Credential=x")
        #expect(SigV4FormatError.missingDate.message
            == "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        #expect(SigV4FormatError.signedHeaderAbsent("accept").message
            == "'accept' is named as a SignedHeader, but it does not exist in the HTTP request.")
    }

    @Test(arguments: [
        ([("X-Amz-Date", "20150830T123600Z")], "20150830T123600Z"),
        ([("x-amz-date", " 20150830T123600Z "), ("Date", "Mon, 09 Sep 2011 23:36:00 GMT")], "20150830T123600Z"),
        ([("Date", "Sun, 30 Aug 2015 12:36:00 GMT")], "20150830T123600Z"),
        ([("Date", "Tue, 01 Dec 2026 03:04:05 -0000")], "20261201T030405Z"),
        ([("Date", "20150830T123600Z")], "20150830T123600Z"),
    ])
    func readsTheRequestDate(_ headers: [(String, String)], _ expected: String) throws {
        #expect(try SigV4RequestDate.timestamp(headers.map { (name: $0.0, value: $0.1) }) == expected)
    }

    @Test(arguments: [
        ([(String, String)](), SigV4FormatError.missingDate),
        ([("X-Amz-Date", "2015-08-30T12:36:00Z")], .badDate("2015-08-30T12:36:00Z")),
        ([("Date", "yesterday")], .badDate("yesterday")),
        ([("Date", "Sun, 30 Foo 2015 12:36:00 GMT")], .badDate("Sun, 30 Foo 2015 12:36:00 GMT")),
    ])
    func rejectsUnreadableDates(_ headers: [(String, String)], _ expected: SigV4FormatError) {
        #expect(throws: expected) { try SigV4RequestDate.timestamp(headers.map { (name: $0.0, value: $0.1) }) }
    }
}
