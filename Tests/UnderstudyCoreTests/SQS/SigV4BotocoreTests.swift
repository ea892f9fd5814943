import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// Real client signatures: boto3's SQS client (JSON protocol, captured just before sending) and
/// botocore's `SigV4Auth` on query-protocol and edge-case requests, each verified as sent and
/// then tampered with. Skips without botocore unless `UNDERSTUDY_E2E_REQUIRED=1`.
struct SigV4BotocoreTests {
    static let accessKeyID = "AKIDUNDERSTUDY"
    static let secret = "understudy/secret+key"

    /// One request as botocore put it on the wire.
    struct SignedRequest: Decodable {
        var name: String
        var method: String
        var target: String
        var headers: [[String]]
        var body: String

        var fields: [(name: String, value: String)] { headers.map { (name: $0[0], value: $0[1]) } }
        var bodyBytes: [UInt8] { Data(base64Encoded: body).map { Array($0) } ?? [] }
    }

    /// What the Python script printed: the requests, or why botocore could not be used.
    struct ScriptOutput: Decodable {
        var skip: String?
        var requests: [SignedRequest]?
    }

    @Test func botocoreSignaturesVerify() throws {
        guard let requests = try Self.signedRequests() else { return }
        #expect(requests.count == 9)
        let verifier = SigV4Verifier(credentials: [Self.accessKeyID: Self.secret, "OTHER": "x"])
        for request in requests {
            #expect(verifier.verify(method: request.method, target: request.target, headers: request.fields, body: request.bodyBytes) == .valid,
                    "\(request.name)")
        }
    }

    @Test func tamperedBotocoreRequestsFail() throws {
        guard let requests = try Self.signedRequests() else { return }
        let verifier = SigV4Verifier(credentials: [Self.accessKeyID: Self.secret])
        for request in requests {
            let name = request.name
            let fields = request.fields, body = request.bodyBytes
            let verify = { (method: String, target: String, fields: [(name: String, value: String)], body: [UInt8]) in
                verifier.verify(method: method, target: target, headers: fields, body: body)
            }
            #expect(verify(request.method, request.target, fields, body + Array(" ".utf8)) == .signatureMismatch, "\(name): body")
            #expect(verify(request.method, request.target + (request.target.contains("?") ? "&x=1" : "?x=1"), fields, body) == .signatureMismatch,
                    "\(name): query")
            let rehosted = fields.map { $0.name.lowercased() == "host" ? (name: $0.name, value: "elsewhere:1") : $0 }
            #expect(verify(request.method, request.target, rehosted, body) == .signatureMismatch, "\(name): host header")
            let redated = fields.map { ["x-amz-date", "date"].contains($0.name.lowercased()) ? (name: $0.name, value: "20200101T000000Z") : $0 }
            #expect(verify(request.method, request.target, redated, body) == .signatureMismatch, "\(name): date")
            let extra = fields + [("X-Unsigned", "1"), ("User-Agent", "someone else")]
            #expect(verify(request.method, request.target, extra, body) == .valid, "\(name): unsigned headers added")

            let wrongSecret = SigV4Verifier(credentials: [Self.accessKeyID: Self.secret + "!"])
            #expect(wrongSecret.verify(method: request.method, target: request.target, headers: fields, body: body) == .signatureMismatch,
                    "\(name): secret")
            let stranger = SigV4Verifier(credentials: ["AKIDSOMEONEELSE": Self.secret])
            #expect(stranger.verify(method: request.method, target: request.target, headers: fields, body: body)
                == .unknownAccessKey(Self.accessKeyID), "\(name): key id")
            let anonymous = fields.filter { $0.name.lowercased() != "authorization" }
            #expect(verify(request.method, request.target, anonymous, body) == .missing, "\(name): no Authorization")
        }
    }

    @Test func botocoreSignsWhatSQSClientsSend() throws {
        guard let requests = try Self.signedRequests() else { return }
        let send = try #require(requests.first { $0.name.hasPrefix("boto3 SendMessage") })
        let header = { (name: String) in send.fields.first { $0.name.lowercased() == name }?.value }
        #expect(header("x-amz-target") == "AmazonSQS.SendMessage")
        #expect(header("x-amzn-query-mode") == "true")
        #expect(header("host") == "127.0.0.1:9324")
        #expect(send.target == "/")
        let authorization = try #require(header("authorization"))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode,"))
        #expect(authorization.contains("Credential=AKIDUNDERSTUDY/"))
        #expect(authorization.contains("/us-east-1/sqs/aws4_request, "))
    }

    /// Runs the script once per test; nil after recording a skip (or, in CI, a failure).
    static func signedRequests(sourceLocation: SourceLocation = #_sourceLocation) throws -> [SignedRequest]? {
        guard let python = ExternalTool.require("python3", sourceLocation: sourceLocation) else { return nil }
        let result = try ExternalTool.run(python, ["-c", script, accessKeyID, secret])
        try #require(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        let output = try JSONDecoder().decode(ScriptOutput.self, from: Data(result.stdout.utf8))
        if let reason = output.skip {
            if ProcessInfo.processInfo.environment["UNDERSTUDY_E2E_REQUIRED"] == "1" {
                Issue.record("boto3 and botocore are required (UNDERSTUDY_E2E_REQUIRED=1) but \(reason)", sourceLocation: sourceLocation)
            } else {
                print("skipping: boto3/botocore not importable (\(reason)); pip install boto3, or set UNDERSTUDY_E2E_REQUIRED=1 to fail instead")
            }
            return nil
        }
        return output.requests
    }

    /// argv[1], argv[2]: access key id and secret. Prints `{"requests": [...]}` with each
    /// request's method, raw target, wire headers (Host as the HTTP client adds it) and
    /// base64 body, or `{"skip": reason}`.
    static let script = #"""
    import base64, hashlib, json, sys
    try:
        import boto3
        from botocore.auth import SigV4Auth, _host_from_url
        from botocore.awsrequest import AWSRequest
        from botocore.config import Config
        from botocore.credentials import Credentials
    except ImportError as error:
        print(json.dumps({'skip': str(error)}))
        sys.exit(0)
    from urllib.parse import urlsplit

    AK, SK = sys.argv[1], sys.argv[2]
    out = []

    def text(value):
        return value.decode() if isinstance(value, bytes) else value

    def record(name, method, url, headers, body):
        parts = urlsplit(url)
        target = parts.path + ('?' + parts.query if parts.query else '')
        fields = [[k, text(v)] for k, v in headers]
        if not any(k.lower() == 'host' for k, _ in fields):
            fields.append(['Host', _host_from_url(url)])
        if body and not any(k.lower() == 'content-length' for k, _ in fields):
            fields.append(['Content-Length', str(len(body))])
        out.append({'name': name, 'method': method, 'target': target, 'headers': fields,
                    'body': base64.b64encode(body or b'').decode()})

    class Captured(Exception):
        pass

    def capture(name):
        def handler(request, **kwargs):
            body = request.body or b''
            if isinstance(body, str):
                body = body.encode()
            record(name, request.method, request.url, request.headers.items(), body)
            raise Captured()
        return handler

    client = boto3.client('sqs', region_name='us-east-1', endpoint_url='http://127.0.0.1:9324',
                          aws_access_key_id=AK, aws_secret_access_key=SK,
                          config=Config(retries={'max_attempts': 1}))
    queue = 'http://127.0.0.1:9324/000000000000/jobs'
    calls = [
        ('boto3 SendMessage (JSON protocol)', lambda: client.send_message(
            QueueUrl=queue, MessageBody='h\u00e9llo w\u00f6rld \u2713',
            MessageAttributes={'n': {'DataType': 'Number', 'StringValue': '1'}})),
        ('boto3 ReceiveMessage (JSON protocol)', lambda: client.receive_message(
            QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0)),
    ]
    for name, call in calls:
        handler = capture(name)
        client.meta.events.register('before-send', handler)
        try:
            call()
        except Captured:
            pass
        client.meta.events.unregister('before-send', handler)

    def signed(name, method, url, body=b'', headers=None, token=None):
        request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
        SigV4Auth(Credentials(AK, SK, token), 'sqs', 'us-east-1').add_auth(request)
        record(name, method, url, request.headers.items(), body)

    form = b'Action=SendMessage&MessageBody=hello+world%21&Version=2012-11-05'
    form_type = {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}
    json_type = {'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.ListQueues'}
    signed('query protocol form POST to the queue URL', 'POST', queue, form, form_type)
    signed('Date header instead of X-Amz-Date', 'POST', 'http://localhost:9324/', b'{}', dict(json_type, Date='now'))
    signed('GET with a query string', 'GET',
           'http://localhost:9324/?Version=2012-11-05&Action=ListQueues&QueueNamePrefix=a%20b%2Bc')
    signed('escaped path segment', 'POST', 'http://localhost:9324/000000000000/my%20queue', form, form_type)
    signed('dot segments and doubled slashes', 'POST', 'http://localhost:9324//000000000000/./jobs', form, form_type)
    signed('x-amz-content-sha256 and a session token', 'POST', 'https://sqs.us-east-1.amazonaws.com/', b'{}',
           dict(json_type, **{'X-Amz-Content-SHA256': hashlib.sha256(b'{}').hexdigest()}), token='FwoGZXIvYXdzEXAMPLE//token==')
    signed('default port left out of Host', 'POST', 'https://sqs.us-east-1.amazonaws.com:443/000000000000/jobs', form, form_type)
    print(json.dumps({'requests': out}))
    """#
}
