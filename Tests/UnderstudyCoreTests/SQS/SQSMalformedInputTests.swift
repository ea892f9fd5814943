import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// Malformed SQS requests never crash the server: each gets a 400 in its protocol's shape,
/// and `/health` answers 200 afterwards.
@Suite struct SQSMalformedInputTests {
    static let q = "http://127.0.0.1/000000000000/q"
    static let coral = "com.amazon.coral.service#"

    /// A JSON-protocol request and the `__type` and query code of its 400.
    struct JSONCase: CustomTestStringConvertible, Sendable {
        var name: String
        var action: String
        var body: [UInt8]
        var target: String?
        var type: String
        var code: String
        var testDescription: String { name }

        init(_ name: String, _ action: String, _ body: String, target: String? = nil, type: String, code: String) {
            self.init(name, action, Array(body.utf8), target: target, type: type, code: code)
        }

        init(_ name: String, _ action: String, _ body: [UInt8], target: String? = nil, type: String, code: String) {
            self.name = name
            self.action = action
            self.body = body
            self.target = target
            self.type = type
            self.code = code
        }
    }

    static let serialization = coral + "SerializationException"
    static let invalidValue = coral + "InvalidParameterValueException"

    static let jsonCases: [JSONCase] = [
        JSONCase("truncated JSON", "SendMessage", #"{"QueueUrl":"\#(q)","MessageBo"#, type: serialization, code: "MalformedQueryString"),
        JSONCase("a JSON array", "ListQueues", "[1, 2, 3]", type: serialization, code: "MalformedQueryString"),
        JSONCase("a JSON string", "ListQueues", #""ListQueues""#, type: serialization, code: "MalformedQueryString"),
        JSONCase("JSON null", "ListQueues", "null", type: serialization, code: "MalformedQueryString"),
        JSONCase("two JSON objects", "ListQueues", "{}{}", type: serialization, code: "MalformedQueryString"),
        JSONCase("invalid UTF-8 in a JSON string", "CreateQueue", Array(#"{"QueueName":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("objects nested 100000 deep", "ListQueues",
                 String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000),
                 type: serialization, code: "MalformedQueryString"),
        JSONCase("arrays nested 100000 deep", "ListQueues",
                 #"{"QueueNamePrefix":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
                 type: serialization, code: "MalformedQueryString"),
        JSONCase("a number as text", "ReceiveMessage", #"{"QueueUrl":"\#(q)","MaxNumberOfMessages":"ten"}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("a fractional number", "ReceiveMessage", #"{"QueueUrl":"\#(q)","WaitTimeSeconds":1.5}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("Entries as an object", "SendMessageBatch", #"{"QueueUrl":"\#(q)","Entries":{}}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("an entry that is a string", "DeleteMessageBatch", #"{"QueueUrl":"\#(q)","Entries":["x"]}"#,
                 type: "com.amazonaws.sqs#InvalidBatchEntryId", code: "AWS.SimpleQueueService.InvalidBatchEntryId"),
        JSONCase("QueueUrl as an object", "SendMessage", #"{"QueueUrl":{"a":1},"MessageBody":"x"}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("Attributes as a list", "CreateQueue", #"{"QueueName":"x","Attributes":["VisibilityTimeout"]}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("MessageAttributes as a string", "SendMessage", #"{"QueueUrl":"\#(q)","MessageBody":"x","MessageAttributes":"a"}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("a message attribute without a value", "SendMessage",
                 #"{"QueueUrl":"\#(q)","MessageBody":"x","MessageAttributes":{"a":{"DataType":"String"}}}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("Binary that is not base64", "SendMessage",
                 #"{"QueueUrl":"\#(q)","MessageBody":"x","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"!!"}}}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("AttributeNames as a string", "GetQueueAttributes", #"{"QueueUrl":"\#(q)","AttributeNames":"All"}"#,
                 type: invalidValue, code: "InvalidParameterValue"),
        JSONCase("an empty body", "SendMessage", "", type: coral + "MissingRequiredParameterException", code: "MissingParameter"),
        JSONCase("an unknown target", "Nope", "{}", target: "AmazonSQS.Nope", type: coral + "UnknownOperationException",
                 code: "InvalidAction"),
        JSONCase("a bare prefix as target", "", "{}", target: "AmazonSQS.", type: coral + "UnknownOperationException",
                 code: "InvalidAction"),
    ]

    @Test(arguments: jsonCases)
    func malformedJSON(_ item: JSONCase) async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            let response = try client.post("/", body: item.body, headers: ["X-Amz-Target: \(item.target ?? "AmazonSQS." + item.action)",
                                                                           "Content-Type: application/x-amz-json-1.0"])
            try SQSExpect.jsonError(response, status: 400, type: item.type, queryCode: item.code)
            try client.expectHealthy(item.name)
        }
    }

    /// A query-protocol POST (raw body) to the queue URL and the code of its 400.
    struct QueryCase: CustomTestStringConvertible, Sendable {
        var name: String
        var body: [UInt8]
        var contentType: String?
        var path = "/000000000000/q"
        var code: String
        var testDescription: String { name }
    }

    static let form = "application/x-www-form-urlencoded; charset=utf-8"

    static let queryCases: [QueryCase] = [
        QueryCase(name: "a bad percent escape", body: Array("Action=SendMessage&MessageBody=100%&Version=2012-11-05".utf8),
                  contentType: form, code: "MalformedQueryString"),
        QueryCase(name: "non-hex percent escape", body: Array("Action=SendMessage&MessageBody=%ZZ&Version=2012-11-05".utf8),
                  contentType: form, code: "MalformedQueryString"),
        QueryCase(name: "a percent escape of invalid UTF-8", body: Array("Action=SendMessage&MessageBody=%FF%FE&Version=2012-11-05".utf8),
                  contentType: form, code: "MalformedQueryString"),
        QueryCase(name: "a bad escape in the action", body: Array("Action=Send%4Message".utf8), contentType: form,
                  path: "/", code: "MalformedQueryString"),
        QueryCase(name: "an XML body typed as a form", body: Array(#"<?xml version="1.0"?><SendMessage><MessageBody>x</MessageBody></SendMessage>"#.utf8),
                  contentType: form, code: "MissingAction"),
        QueryCase(name: "binary garbage typed as a form", body: (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 7919) },
                  contentType: form, code: "MalformedQueryString"),
        QueryCase(name: "garbage without escapes typed as a form", body: Array("\u{1}\u{2}garbage; not a form at all\n".utf8),
                  contentType: form, code: "MissingAction"),
        QueryCase(name: "an empty form", body: [], contentType: form, code: "MissingAction"),
        QueryCase(name: "an empty body, no content type", body: [], contentType: nil, code: "MissingAction"),
        QueryCase(name: "a JSON body without a target", body: Array(#"{"Action":"SendMessage"}"#.utf8),
                  contentType: "application/x-amz-json-1.0", code: "MissingAction"),
        QueryCase(name: "an empty action", body: Array("Action=&Version=2012-11-05".utf8), contentType: form, code: "InvalidAction"),
        QueryCase(name: "a body of separators", body: Array(String(repeating: "&=&.", count: 10_000).utf8), contentType: form,
                  code: "MissingAction"),
        QueryCase(name: "a control character in the body", body: Array("Action=SendMessage&MessageBody=%00&Version=2012-11-05".utf8),
                  contentType: form, code: "InvalidMessageContents"),
        QueryCase(name: "a non-numeric list index", body: Array("Action=SendMessageBatch&SendMessageBatchRequestEntry.x.Id=a".utf8),
                  contentType: form, code: "AWS.SimpleQueueService.EmptyBatchRequest"),
        QueryCase(name: "a parameter name nested 100000 deep",
                  body: Array(("Action=ListQueues&" + Array(repeating: "a", count: 100_000).joined(separator: ".") + "=1").utf8),
                  contentType: form, path: "/", code: "MalformedQueryString"),
    ]

    @Test(arguments: queryCases)
    func malformedQuery(_ item: QueryCase) async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            let response = try client.post(item.path, body: item.body, headers: item.contentType.map { ["Content-Type: \($0)"] } ?? [])
            try SQSExpect.queryError(response, status: 400, code: item.code)
            try client.expectHealthy(item.name)
        }
    }

    /// Many parameters are read in linear time (a name lookup per parameter was quadratic and
    /// held the loop for minutes): 10,000 message attributes get the "too many" answer, and
    /// 40,000 distinct names are ignored, each within a loose ceiling.
    @Test func hugeNumberOfFormParameters() async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            var body = "Action=SendMessage&MessageBody=x&Version=2012-11-05"
            for index in 1...10_000 {
                body += "&MessageAttribute.\(index).Name=a\(index)&MessageAttribute.\(index).Value.DataType=String"
                    + "&MessageAttribute.\(index).Value.StringValue=v"
            }
            var start = ContinuousClock.now
            let response = try client.post("/000000000000/q", body: Array(body.utf8), headers: ["Content-Type: \(Self.form)"])
            #expect(ContinuousClock.now - start < .seconds(10))
            let message = try SQSExpect.queryError(response, status: 400, code: "InvalidParameterValue")
            #expect(message == "Number of message attributes [10000] exceeds the allowed maximum [10].")
            try client.expectHealthy("10,000 message attributes")

            var flat = "Action=ListQueues&Version=2012-11-05"
            for index in 1...40_000 { flat += "&p\(index)=\(index)" }
            start = ContinuousClock.now
            let listed = try client.post("/", body: Array(flat.utf8), headers: ["Content-Type: \(Self.form)"])
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(listed.status == 200)
            try client.expectHealthy("40,000 distinct parameters")
        }
    }

    /// After a run of malformed requests on one keep-alive connection, the connection and server still work.
    @Test func keepAliveConnectionSurvivesMalformedRequests() async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = try server.client()
            let bodies: [(String, String)] = [
                ("X-Amz-Target: AmazonSQS.SendMessage\r\nContent-Type: application/x-amz-json-1.0", "{\"QueueUrl\":"),
                ("Content-Type: application/x-www-form-urlencoded", "Action=SendMessage&MessageBody=%G"),
                ("X-Amz-Target: AmazonSQS.Nope\r\nContent-Type: application/x-amz-json-1.0", "[]"),
            ]
            for (headers, body) in bodies {
                try client.send("POST /000000000000/q HTTP/1.1\r\nHost: t\r\n\(headers)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                #expect(try client.readResponse().status == 400)
            }
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }
}
