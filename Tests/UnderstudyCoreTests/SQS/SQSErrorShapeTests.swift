import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// Each error in each protocol's own shape: the query protocol's `ErrorResponse` (RequestId a
/// direct child, `<Detail/>` present) and the JSON protocol's `{"__type","message"}` with
/// `x-amzn-query-error: CODE;Sender`, at the status SQS's model gives.
@Suite struct SQSErrorShapeTests {
    /// One error, reached in both protocols on a server whose queue `q` exists (default attributes).
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Query requests (action, parameters) sent first, both runs.
        var setup: [QueryCall] = []
        var query: QueryCall
        var queryPath = "/"
        /// The JSON protocol's action and body; nil where the error is query-only.
        var json: (action: String, body: String)?
        var status: Int
        var code: String
        var jsonType: String
        /// The query message; the JSON one too unless `jsonMessage` is set.
        var message: String
        var jsonMessage: String?

        var testDescription: String { name }
    }

    struct QueryCall: Sendable {
        var action: String
        var parameters: [(String, String)]
        init(_ action: String, _ parameters: [(String, String)] = []) {
            self.action = action
            self.parameters = parameters
        }
    }

    static let q = "http://127.0.0.1/000000000000/q"
    static let coral = "com.amazon.coral.service#"
    static let sqs = "com.amazonaws.sqs#"

    static func entries(_ prefix: String, ids: [String]) -> [(String, String)] {
        ids.enumerated().flatMap { index, id in
            [("\(prefix).\(index + 1).Id", id), ("\(prefix).\(index + 1).MessageBody", "m")]
        }
    }

    static func jsonEntries(ids: [String]) -> String {
        "[" + ids.map { #"{"Id":"\#($0)","MessageBody":"m"}"# }.joined(separator: ",") + "]"
    }

    static let cases: [Case] = [
        Case(name: "NonExistentQueue", query: QueryCall("GetQueueUrl", [("QueueName", "nope")]),
             json: ("GetQueueUrl", #"{"QueueName":"nope"}"#), status: 400,
             code: "AWS.SimpleQueueService.NonExistentQueue", jsonType: sqs + "QueueDoesNotExist",
             message: "The specified queue does not exist for this wsdl version.",
             jsonMessage: "The specified queue does not exist."),
        Case(name: "NonExistentQueue (queue path)", query: QueryCall("SendMessage", [("MessageBody", "x")]),
             queryPath: "/000000000000/nope",
             json: ("SendMessage", #"{"QueueUrl":"http://127.0.0.1/000000000000/nope","MessageBody":"x"}"#), status: 400,
             code: "AWS.SimpleQueueService.NonExistentQueue", jsonType: sqs + "QueueDoesNotExist",
             message: "The specified queue does not exist for this wsdl version.",
             jsonMessage: "The specified queue does not exist."),
        Case(name: "InvalidParameterValue",
             query: QueryCall("ReceiveMessage", [("QueueUrl", q), ("MaxNumberOfMessages", "11")]),
             json: ("ReceiveMessage", #"{"QueueUrl":"\#(q)","MaxNumberOfMessages":11}"#), status: 400,
             code: "InvalidParameterValue", jsonType: coral + "InvalidParameterValueException",
             message: "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."),
        Case(name: "MissingParameter", query: QueryCall("SendMessage", [("QueueUrl", q)]),
             json: ("SendMessage", #"{"QueueUrl":"\#(q)"}"#), status: 400,
             code: "MissingParameter", jsonType: coral + "MissingRequiredParameterException",
             message: "The request must contain the parameter MessageBody."),
        Case(name: "MissingParameter (no queue at all)", query: QueryCall("SendMessage", [("MessageBody", "x")]),
             json: ("SendMessage", #"{"MessageBody":"x"}"#), status: 400,
             code: "MissingParameter", jsonType: coral + "MissingRequiredParameterException",
             message: "The request must contain the parameter QueueUrl."),
        Case(name: "TooManyEntriesInBatchRequest",
             query: QueryCall("SendMessageBatch", [("QueueUrl", q)]
                 + entries("SendMessageBatchRequestEntry", ids: (1...11).map { "e\($0)" })),
             json: ("SendMessageBatch", #"{"QueueUrl":"\#(q)","Entries":\#(jsonEntries(ids: (1...11).map { "e\($0)" }))}"#),
             status: 400, code: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", jsonType: sqs + "TooManyEntriesInBatchRequest",
             message: "Maximum number of entries per request are 10. You have sent 11."),
        Case(name: "BatchEntryIdsNotDistinct",
             query: QueryCall("SendMessageBatch", [("QueueUrl", q)] + entries("SendMessageBatchRequestEntry", ids: ["a", "a"])),
             json: ("SendMessageBatch", #"{"QueueUrl":"\#(q)","Entries":\#(jsonEntries(ids: ["a", "a"]))}"#),
             status: 400, code: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", jsonType: sqs + "BatchEntryIdsNotDistinct",
             message: "Id a repeated."),
        Case(name: "InvalidBatchEntryId",
             query: QueryCall("SendMessageBatch", [("QueueUrl", q)] + entries("SendMessageBatchRequestEntry", ids: ["bad id!"])),
             json: ("SendMessageBatch", #"{"QueueUrl":"\#(q)","Entries":\#(jsonEntries(ids: ["bad id!"]))}"#),
             status: 400, code: "AWS.SimpleQueueService.InvalidBatchEntryId", jsonType: sqs + "InvalidBatchEntryId",
             message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."),
        Case(name: "EmptyBatchRequest", query: QueryCall("DeleteMessageBatch", [("QueueUrl", q)]),
             json: ("DeleteMessageBatch", #"{"QueueUrl":"\#(q)","Entries":[]}"#),
             status: 400, code: "AWS.SimpleQueueService.EmptyBatchRequest", jsonType: sqs + "EmptyBatchRequest",
             message: "There should be at least one entry in the request."),
        Case(name: "ReceiptHandleIsInvalid", query: QueryCall("DeleteMessage", [("QueueUrl", q), ("ReceiptHandle", "garbage")]),
             json: ("DeleteMessage", #"{"QueueUrl":"\#(q)","ReceiptHandle":"garbage"}"#),
             status: 404, code: "ReceiptHandleIsInvalid", jsonType: sqs + "ReceiptHandleIsInvalid",
             message: #"The input receipt handle "garbage" is not a valid receipt handle."#),
        Case(name: "QueueAlreadyExists",
             query: QueryCall("CreateQueue", [("QueueName", "q"), ("Attribute.1.Name", "VisibilityTimeout"),
                                              ("Attribute.1.Value", "99")]),
             json: ("CreateQueue", #"{"QueueName":"q","Attributes":{"VisibilityTimeout":"99"}}"#),
             status: 400, code: "QueueAlreadyExists", jsonType: sqs + "QueueNameExists",
             message: "A queue already exists with the same name and a different value for attribute VisibilityTimeout"),
        Case(name: "PurgeQueueInProgress", setup: [QueryCall("PurgeQueue", [("QueueUrl", q)])],
             query: QueryCall("PurgeQueue", [("QueueUrl", q)]),
             json: ("PurgeQueue", #"{"QueueUrl":"\#(q)"}"#),
             status: 403, code: "AWS.SimpleQueueService.PurgeQueueInProgress", jsonType: sqs + "PurgeQueueInProgress",
             message: "Only one PurgeQueue operation on q is allowed every 60 seconds."),
        Case(name: "InvalidAttributeName",
             query: QueryCall("GetQueueAttributes", [("QueueUrl", q), ("AttributeName.1", "Foobar")]),
             json: ("GetQueueAttributes", #"{"QueueUrl":"\#(q)","AttributeNames":["Foobar"]}"#),
             status: 400, code: "InvalidAttributeName", jsonType: sqs + "InvalidAttributeName",
             message: "Unknown Attribute Foobar."),
        Case(name: "InvalidAction", query: QueryCall("FooBar"), queryPath: "/000000000000/q",
             json: ("FooBar", "{}"), status: 400, code: "InvalidAction", jsonType: coral + "UnknownOperationException",
             message: "The action FooBar is not valid for this endpoint."),
    ]

    @Test(arguments: cases)
    func queryShape(_ item: Case) async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            for call in item.setup { _ = try client.query(call.action, call.parameters) }
            let response = try client.query(item.query.action, item.query.parameters, path: item.queryPath)
            let message = try SQSExpect.queryError(response, status: item.status, code: item.code)
            #expect(message == item.message)
        }
    }

    @Test(arguments: cases.filter { $0.json != nil })
    func jsonShape(_ item: Case) async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            for call in item.setup { _ = try client.query(call.action, call.parameters) }
            let json = try #require(item.json)
            let response = try client.json(json.action, json.body)
            let message = try SQSExpect.jsonError(response, status: item.status, type: item.jsonType, queryCode: item.code)
            #expect(message == item.jsonMessage ?? item.message)
        }
    }

    /// A handle whose message is no longer in flight (deleted, or made visible again).
    @Test func messageNotInflightInBothProtocols() async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            try client.queryOK("SendMessage", [("QueueUrl", Self.q), ("MessageBody", "x")])
            let received = try client.queryOK("ReceiveMessage", [("QueueUrl", Self.q)])
            let handle = try #require(received.at("ReceiveMessageResult/Message/ReceiptHandle")?.text)
            try client.queryOK("ChangeMessageVisibility", [("QueueUrl", Self.q), ("ReceiptHandle", handle),
                                                           ("VisibilityTimeout", "0")])

            let query = try client.query("ChangeMessageVisibility", [("ReceiptHandle", handle), ("VisibilityTimeout", "10")],
                                         path: "/000000000000/q")
            let message = try SQSExpect.queryError(query, status: 400, code: "AWS.SimpleQueueService.MessageNotInflight")
            #expect(message == "The message referred to isn't in flight.")

            let json = try client.json("ChangeMessageVisibility",
                                       #"{"QueueUrl":"\#(Self.q)","ReceiptHandle":"\#(handle)","VisibilityTimeout":10}"#)
            try SQSExpect.jsonError(json, status: 400, type: Self.sqs + "MessageNotInflight",
                                    queryCode: "AWS.SimpleQueueService.MessageNotInflight")
        }
    }

    /// A POST to a queue URL without `Action` (query-only).
    @Test func missingAction() async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            let response = try client.post("/000000000000/q", body: SQSWireClient.form([("MessageBody", "x"), ("Version", "2012-11-05")]),
                                           headers: ["Content-Type: application/x-www-form-urlencoded"])
            let message = try SQSExpect.queryError(response, status: 400, code: "MissingAction")
            #expect(message == "The request must contain the parameter Action.")
        }
    }

    /// Batch entries that fail alone are `Failed` entries with the query code, not errors.
    @Test func batchEntryFailuresInJSON() async throws {
        try await withTestServer(makeSQSConfig(withQueue: "q")) { server in
            let client = SQSWireClient(server: server)
            let response = try client.json("DeleteMessageBatch",
                                           #"{"QueueUrl":"\#(Self.q)","Entries":[{"Id":"x","ReceiptHandle":"garbage"}]}"#)
            #expect(response.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let failed = try #require(object["Failed"] as? [[String: Any]])
            #expect(failed.count == 1)
            #expect(failed.first?["Code"] as? String == "ReceiptHandleIsInvalid")
            #expect(failed.first?["SenderFault"] as? Bool == true)
            #expect((object["Successful"] as? [Any])?.isEmpty == true)
        }
    }
}
