import Foundation
import Testing
import TestSupport

/// Runs a Python script that drives a test server's SQS API with boto3 (JSON protocol) and
/// returns the `out` object it fills, printed as JSON. The script gets a prelude: `sqs` (a
/// client on the data plane, no retries), `client(**config)` for more, `error(call, …)`
/// (the ClientError's code, status and class, or None), `attrs(url)`, `admin(path)` and
/// `post_admin(path, body)` on the admin plane, `wait_until(predicate)`, and the MD5s as
/// AWS computes them. Skips without python3 or boto3 unless `UNDERSTUDY_E2E_REQUIRED=1`.
enum SQSBoto3Script {
    static func run(_ script: String, on server: TestServer,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> ScriptValue? {
        try run(script, dataPort: server.dataPort, adminPort: server.adminPort, sourceLocation: sourceLocation)
    }

    /// The same against any server (a `BinaryProcess`); `arguments` follow the two URLs in argv.
    static func run(_ script: String, dataPort: UInt16, adminPort: UInt16, arguments: [String] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> ScriptValue? {
        try run(script, dataURL: "http://127.0.0.1:\(dataPort)", adminPort: adminPort, arguments: arguments,
                sourceLocation: sourceLocation)
    }

    /// With the data plane at `dataURL` (`https://…`: certificates are not verified).
    static func run(_ script: String, dataURL: String, adminPort: UInt16, arguments: [String] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> ScriptValue? {
        guard let python = ExternalTool.require("python3", sourceLocation: sourceLocation) else { return nil }
        let result = try ExternalTool.run(python, ["-c", prelude + script + epilogue, dataURL,
                                                   "http://127.0.0.1:\(adminPort)"] + arguments)
        try #require(result.status == 0, "python3 failed:\n\(result.stderr)", sourceLocation: sourceLocation)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let output = ScriptValue(parsed)
        if let reason = output["skip"].string {
            if ProcessInfo.processInfo.environment["UNDERSTUDY_E2E_REQUIRED"] == "1" {
                Issue.record("boto3 is required (UNDERSTUDY_E2E_REQUIRED=1) but \(reason)", sourceLocation: sourceLocation)
            } else {
                print("skipping: boto3 not importable (\(reason)); pip install boto3, or set UNDERSTUDY_E2E_REQUIRED=1 to fail instead")
            }
            return nil
        }
        return output
    }

    /// argv[1]: the data plane's URL; argv[2]: the admin plane's.
    static let prelude = #"""
    import base64, hashlib, http.client, json, struct, sys, threading, time, urllib.parse, urllib.request
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError, ReadTimeoutError
    except ImportError as import_error:
        print(json.dumps({'skip': str(import_error)}))
        sys.exit(0)

    URL, ADMIN = sys.argv[1], sys.argv[2]
    out = {}

    def client(**config):
        options = {'retries': {'total_max_attempts': 1}, 'connect_timeout': 5, 'read_timeout': 10}
        options.update(config)
        return boto3.client('sqs', endpoint_url=URL, region_name='us-east-1', aws_access_key_id='test',
                            aws_secret_access_key='test', config=Config(**options),
                            verify=False if URL.startswith('https:') else None)

    sqs = client()

    def error(call, *args, **kwargs):
        try:
            call(*args, **kwargs)
        except ClientError as e:
            return {'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'],
                    'class': type(e).__name__, 'message': e.response['Error'].get('Message', '')}
        return None

    def attrs(url, *names):
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ['All'])['Attributes']

    def receive(url, **kwargs):
        return sqs.receive_message(QueueUrl=url, **kwargs).get('Messages', [])

    def admin(path):
        with urllib.request.urlopen(ADMIN + path, timeout=5) as response:
            return json.load(response)

    def post_admin(path, body):
        request = urllib.request.Request(ADMIN + path, data=json.dumps(body).encode(), method='POST',
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status

    def wait_until(predicate, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.005)
        return False

    def md5_body(text):
        return hashlib.md5(text.encode('utf-8')).hexdigest()

    def md5_attributes(attributes):
        # AWS: names sorted; each length-prefixed (4-byte big-endian) name and data type, a
        # transport byte (1 string, 2 binary), then the length-prefixed value.
        def prefixed(data):
            return struct.pack('>I', len(data)) + data
        buffer = b''
        for name in sorted(attributes):
            value = attributes[name]
            buffer += prefixed(name.encode('utf-8')) + prefixed(value['DataType'].encode('utf-8'))
            if 'StringValue' in value:
                buffer += b'\x01' + prefixed(value['StringValue'].encode('utf-8'))
            else:
                buffer += b'\x02' + prefixed(value['BinaryValue'])
        return hashlib.md5(buffer).hexdigest()

    """#

    static let epilogue = #"""

    print(json.dumps(out, default=lambda value: base64.b64encode(value).decode() if isinstance(value, bytes) else str(value)))
    """#
}

/// A JSON value a script printed, read loosely: a missing key or index reads as absent.
struct ScriptValue: CustomStringConvertible {
    let raw: Any?

    init(_ raw: Any?) { self.raw = raw is NSNull ? nil : raw }

    subscript(key: String) -> ScriptValue { ScriptValue((raw as? [String: Any])?[key]) }

    subscript(index: Int) -> ScriptValue {
        guard let items = raw as? [Any], items.indices.contains(index) else { return ScriptValue(nil) }
        return ScriptValue(items[index])
    }

    var exists: Bool { raw != nil }
    var string: String? { raw as? String }
    /// A number, or a string holding one (SQS sends counts as strings).
    var int: Int? { (raw as? String).flatMap { Int($0) } ?? (raw is String ? nil : (raw as? NSNumber)?.intValue) }
    var double: Double? { raw is String ? nil : (raw as? NSNumber)?.doubleValue }
    var bool: Bool? { raw as? Bool ?? (raw is String ? nil : (raw as? NSNumber)?.boolValue) }
    var array: [ScriptValue] { (raw as? [Any])?.map { ScriptValue($0) } ?? [] }
    var strings: [String] { array.compactMap(\.string) }
    var keys: Set<String> { Set((raw as? [String: Any]).map { Array($0.keys) } ?? []) }
    /// A map of strings (attributes, tags).
    var stringMap: [String: String] { (raw as? [String: Any])?.compactMapValues { $0 as? String } ?? [:] }

    var description: String {
        guard let raw else { return "absent" }
        guard JSONSerialization.isValidJSONObject(raw),
              let data = try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys]) else { return "\(raw)" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Expects `error` (what the prelude's `error()` returned) to carry this code and status,
/// and, when given, to have been raised as that boto3 exception class.
func expectSQSError(_ error: ScriptValue, code: String, status: Int, raisedAs exceptionClass: String? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(error["code"].string == code, "\(error)", sourceLocation: sourceLocation)
    #expect(error["status"].int == status, "\(error)", sourceLocation: sourceLocation)
    if let exceptionClass {
        #expect(error["class"].string == exceptionClass, "\(error)", sourceLocation: sourceLocation)
    }
}
