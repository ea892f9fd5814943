import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// The query protocol's message actions (send, receive, delete, visibility; one by one and in
/// batches) as pre-2023 SDKs send them, with the MD5s those SDKs recompute checked against
/// values computed here.
@Suite struct SQSQueryMessageTests {
    @Test func sendMessageDigestsMatchTheSDKsAlgorithm() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            try sqs.queryOK("CreateQueue", [("QueueName", "digests")])
            let body = "héllo <wörld> & \"friends\" ✓"
            let blob: [UInt8] = [0x00, 0x01, 0x02, 0xFF, 0x3C]
            let sent = try sqs.queryOK("SendMessage", [
                ("QueueUrl", sqs.queueURL("digests")), ("MessageBody", body),
                ("MessageAttribute.1.Name", "trace"), ("MessageAttribute.1.Value.DataType", "String"),
                ("MessageAttribute.1.Value.StringValue", "abc-123"),
                ("MessageAttribute.2.Name", "count"), ("MessageAttribute.2.Value.DataType", "Number.int"),
                ("MessageAttribute.2.Value.StringValue", "42"),
                ("MessageAttribute.3.Name", "blob"), ("MessageAttribute.3.Value.DataType", "Binary"),
                ("MessageAttribute.3.Value.BinaryValue", Data(blob).base64EncodedString()),
            ])
            let result = try #require(SQSExpect.querySuccess(sent, "SendMessage"))
            #expect(result.childNames == ["MD5OfMessageBody", "MD5OfMessageAttributes", "MessageId"])
            #expect(ExpectedMD5.body("hello") == "5d41402abc4b2a76b9719d911017c592")
            #expect(result["MD5OfMessageBody"]?.text == ExpectedMD5.body(body))
            #expect(result["MD5OfMessageAttributes"]?.text == ExpectedMD5.attributes([
                ("trace", "String", .string("abc-123")), ("count", "Number.int", .string("42")), ("blob", "Binary", .binary(blob)),
            ]))
            #expect(UUID(uuidString: result["MessageId"]?.text ?? "") != nil)

            // The digest of one known attribute, cross-checked against another implementation.
            #expect(ExpectedMD5.attributes([("test-key", "String", .string("test-value"))]) == "befa18540a897f7d022bf07057754a03")

            // No attributes: AWS leaves MD5OfMessageAttributes out (PHP's SDK throws otherwise).
            let plain = try sqs.queryOK("SendMessage", [("MessageBody", "plain")], path: "/000000000000/digests")
            let plainResult = try #require(SQSExpect.querySuccess(plain, "SendMessage"))
            #expect(plainResult.childNames == ["MD5OfMessageBody", "MessageId"])
            #expect(plainResult["MD5OfMessageBody"]?.text == ExpectedMD5.body("plain"))
        }
    }

    @Test func receiveMessageWithAllAttributes() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            try sqs.queryOK("CreateQueue", [("QueueName", "inbox")])
            let body = "line one\r\nline <two> & 'three'"
            let blob: [UInt8] = Array("binary\u{0}bytes".utf8)
            try sqs.queryOK("SendMessage", [
                ("MessageBody", body),
                ("MessageAttribute.1.Name", "kind"), ("MessageAttribute.1.Value.DataType", "String"),
                ("MessageAttribute.1.Value.StringValue", "order & <created>"),
                ("MessageAttribute.2.Name", "image"), ("MessageAttribute.2.Value.DataType", "Binary.png"),
                ("MessageAttribute.2.Value.BinaryValue", Data(blob).base64EncodedString()),
            ], path: "/000000000000/inbox")

            let received = try sqs.queryOK("ReceiveMessage", [
                ("QueueUrl", sqs.queueURL("inbox")), ("AttributeName.1", "All"), ("MessageAttributeName.1", "All"),
                ("MaxNumberOfMessages", "10"), ("WaitTimeSeconds", "0"),
            ])
            let result = try #require(SQSExpect.querySuccess(received, "ReceiveMessage"))
            #expect(result.childNames == ["Message"])
            let message = try #require(result["Message"])
            #expect(message.childNames.filter { !["Attribute", "MessageAttribute"].contains($0) }
                == ["MessageId", "ReceiptHandle", "MD5OfBody", "Body", "MD5OfMessageAttributes"])
            #expect(message["Body"]?.text == body)
            #expect(message["MD5OfBody"]?.text == ExpectedMD5.body(body))
            #expect(message["ReceiptHandle"]?.text.isEmpty == false)

            let system = message.pairs("Attribute")
            #expect(system["ApproximateReceiveCount"] == "1")
            #expect(system["SenderId"]?.isEmpty == false)
            #expect(Int(system["SentTimestamp"] ?? "").map { $0 > 1_600_000_000_000 } == true)
            #expect(Int(system["ApproximateFirstReceiveTimestamp"] ?? "") != nil)

            let attributes = message.all("MessageAttribute")
            #expect(attributes.allSatisfy { $0.childNames == ["Name", "Value"] })
            let kind = try #require(attributes.first { $0["Name"]?.text == "kind" }?["Value"])
            #expect(kind.childNames == ["StringValue", "DataType"])
            #expect(kind["StringValue"]?.text == "order & <created>")
            #expect(kind["DataType"]?.text == "String")
            let image = try #require(attributes.first { $0["Name"]?.text == "image" }?["Value"])
            #expect(image.childNames == ["BinaryValue", "DataType"])
            #expect(image["BinaryValue"]?.text == Data(blob).base64EncodedString())
            #expect(image["DataType"]?.text == "Binary.png")
            #expect(message["MD5OfMessageAttributes"]?.text == ExpectedMD5.attributes([
                ("kind", "String", .string("order & <created>")), ("image", "Binary.png", .binary(blob)),
            ]))

            // The message is in flight now: nothing more to receive, an empty result element.
            let empty = try sqs.queryOK("ReceiveMessage", [("WaitTimeSeconds", "0")], path: "/000000000000/inbox")
            #expect(SQSExpect.querySuccess(empty, "ReceiveMessage")?.children.isEmpty == true)
        }
    }

    @Test func receiveWithoutAttributeNamesLeavesAttributesOut() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            try sqs.queryOK("CreateQueue", [("QueueName", "bare")])
            try sqs.queryOK("SendMessage", [("MessageBody", "x"), ("MessageAttribute.1.Name", "a"),
                                            ("MessageAttribute.1.Value.DataType", "String"),
                                            ("MessageAttribute.1.Value.StringValue", "1")], path: "/000000000000/bare")
            let received = try sqs.queryOK("ReceiveMessage", [("QueueUrl", sqs.queueURL("bare"))])
            let message = try #require(SQSExpect.querySuccess(received, "ReceiveMessage")?["Message"])
            #expect(message.childNames == ["MessageId", "ReceiptHandle", "MD5OfBody", "Body"])
        }
    }

    @Test func sendMessageBatchReportsEachEntry() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            try sqs.queryOK("CreateQueue", [("QueueName", "batch")])
            let sent = try sqs.queryOK("SendMessageBatch", [
                ("QueueUrl", sqs.queueURL("batch")),
                ("SendMessageBatchRequestEntry.1.Id", "first"), ("SendMessageBatchRequestEntry.1.MessageBody", "one"),
                ("SendMessageBatchRequestEntry.2.Id", "second"), ("SendMessageBatchRequestEntry.2.MessageBody", "two"),
                ("SendMessageBatchRequestEntry.2.DelaySeconds", "0"),
                ("SendMessageBatchRequestEntry.2.MessageAttribute.1.Name", "n"),
                ("SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType", "Number"),
                ("SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue", "1"),
                ("SendMessageBatchRequestEntry.3.Id", "third"), ("SendMessageBatchRequestEntry.3.MessageBody", "three"),
                ("SendMessageBatchRequestEntry.3.DelaySeconds", "901"),
            ])
            let result = try #require(SQSExpect.querySuccess(sent, "SendMessageBatch"))
            #expect(result.childNames == ["SendMessageBatchResultEntry", "SendMessageBatchResultEntry", "BatchResultErrorEntry"])
            let entries = result.all("SendMessageBatchResultEntry")
            #expect(entries.map { $0["Id"]?.text } == ["first", "second"])
            #expect(entries[0].childNames == ["Id", "MD5OfMessageBody", "MessageId"])
            #expect(entries[0]["MD5OfMessageBody"]?.text == ExpectedMD5.body("one"))
            #expect(entries[1].childNames == ["Id", "MD5OfMessageBody", "MD5OfMessageAttributes", "MessageId"])
            #expect(entries[1]["MD5OfMessageAttributes"]?.text == ExpectedMD5.attributes([("n", "Number", .string("1"))]))
            let failed = try #require(result["BatchResultErrorEntry"])
            #expect(failed.childNames == ["Id", "SenderFault", "Code", "Message"])
            #expect(failed["Id"]?.text == "third")
            #expect(failed["SenderFault"]?.text == "true")
            #expect(failed["Code"]?.text == "InvalidParameterValue")
            #expect(failed["Message"]?.text.contains("DelaySeconds") == true)

            let attributes = try sqs.queryOK("GetQueueAttributes", [("AttributeName.1", "ApproximateNumberOfMessages")],
                                             path: "/000000000000/batch")
            #expect(SQSExpect.querySuccess(attributes, "GetQueueAttributes")?.pairs("Attribute")
                == ["ApproximateNumberOfMessages": "2"])
        }
    }

    @Test func deleteAndChangeVisibilityOneByOneAndInBatches() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            let path = "/000000000000/work"
            try sqs.queryOK("CreateQueue", [("QueueName", "work")])
            for body in ["a", "b", "c"] { try sqs.queryOK("SendMessage", [("MessageBody", body)], path: path) }
            let received = try sqs.queryOK("ReceiveMessage", [("MaxNumberOfMessages", "10")], path: path)
            let messages = try #require(SQSExpect.querySuccess(received, "ReceiveMessage")).all("Message")
            try #require(messages.count == 3)
            let handles = messages.map { $0["ReceiptHandle"]?.text ?? "" }

            let changed = try sqs.queryOK("ChangeMessageVisibilityBatch", [
                ("QueueUrl", sqs.queueURL("work")),
                ("ChangeMessageVisibilityBatchRequestEntry.1.Id", "h0"),
                ("ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle", handles[0]),
                ("ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout", "600"),
                ("ChangeMessageVisibilityBatchRequestEntry.2.Id", "bogus"),
                ("ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle", "not-a-handle"),
                ("ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout", "600"),
            ])
            let changeResult = try #require(SQSExpect.querySuccess(changed, "ChangeMessageVisibilityBatch"))
            #expect(changeResult.childNames == ["ChangeMessageVisibilityBatchResultEntry", "BatchResultErrorEntry"])
            #expect(changeResult["ChangeMessageVisibilityBatchResultEntry"]?.childNames == ["Id"])
            #expect(changeResult.at("ChangeMessageVisibilityBatchResultEntry/Id")?.text == "h0")
            #expect(changeResult.at("BatchResultErrorEntry/Id")?.text == "bogus")
            #expect(changeResult.at("BatchResultErrorEntry/Code")?.text == "ReceiptHandleIsInvalid")
            #expect(changeResult.at("BatchResultErrorEntry/SenderFault")?.text == "true")

            // The handle whose visibility just changed still deletes its message.
            let deleted = try sqs.queryOK("DeleteMessage", [("ReceiptHandle", handles[0])], path: path)
            SQSExpect.querySuccess(deleted, "DeleteMessage", hasResult: false)

            let batch = try sqs.queryOK("DeleteMessageBatch", [
                ("QueueUrl", sqs.queueURL("work")),
                ("DeleteMessageBatchRequestEntry.1.Id", "d1"), ("DeleteMessageBatchRequestEntry.1.ReceiptHandle", handles[1]),
                ("DeleteMessageBatchRequestEntry.2.Id", "d2"), ("DeleteMessageBatchRequestEntry.2.ReceiptHandle", handles[2]),
                ("DeleteMessageBatchRequestEntry.3.Id", "d3"), ("DeleteMessageBatchRequestEntry.3.ReceiptHandle", "garbage"),
            ])
            let deleteResult = try #require(SQSExpect.querySuccess(batch, "DeleteMessageBatch"))
            #expect(deleteResult.childNames == ["DeleteMessageBatchResultEntry", "DeleteMessageBatchResultEntry", "BatchResultErrorEntry"])
            #expect(deleteResult.all("DeleteMessageBatchResultEntry").map { $0["Id"]?.text } == ["d1", "d2"])
            #expect(deleteResult.at("BatchResultErrorEntry/Id")?.text == "d3")
            #expect(deleteResult.at("BatchResultErrorEntry/Code")?.text == "ReceiptHandleIsInvalid")

            let counts = try sqs.queryOK("GetQueueAttributes", [("AttributeName.1", "All")], path: path)
            let values = try #require(SQSExpect.querySuccess(counts, "GetQueueAttributes")).pairs("Attribute")
            #expect(values["ApproximateNumberOfMessages"] == "0")
            #expect(values["ApproximateNumberOfMessagesNotVisible"] == "0")
        }
    }

    /// The worker pattern: extend the visibility timeout (a heartbeat, twice), then delete with
    /// the same receipt handle. SQS keeps a handle good until the message is received again.
    @Test func receiptHandleStaysValidThroughVisibilityChanges() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            let path = "/000000000000/heartbeat"
            try sqs.queryOK("CreateQueue", [("QueueName", "heartbeat")])
            try sqs.queryOK("SendMessage", [("MessageBody", "long job")], path: path)
            let received = try sqs.queryOK("ReceiveMessage", [("VisibilityTimeout", "30")], path: path)
            let handle = try #require(received.at("ReceiveMessageResult/Message/ReceiptHandle")?.text)
            for seconds in ["60", "120"] {
                let extended = try sqs.queryOK("ChangeMessageVisibility", [("ReceiptHandle", handle), ("VisibilityTimeout", seconds)],
                                               path: path)
                SQSExpect.querySuccess(extended, "ChangeMessageVisibility", hasResult: false)
            }
            SQSExpect.querySuccess(try sqs.queryOK("DeleteMessage", [("ReceiptHandle", handle)], path: path), "DeleteMessage",
                                   hasResult: false)
            let counts = try sqs.queryOK("GetQueueAttributes", [("AttributeName.1", "ApproximateNumberOfMessages"),
                                                                ("AttributeName.2", "ApproximateNumberOfMessagesNotVisible")], path: path)
            #expect(SQSExpect.querySuccess(counts, "GetQueueAttributes")?.pairs("Attribute")
                == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])
        }
    }

    /// A handle from an earlier receive no longer changes visibility once the message was received again.
    @Test func anOlderReceiptHandleIsNotInflight() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            let path = "/000000000000/again"
            try sqs.queryOK("CreateQueue", [("QueueName", "again")])
            try sqs.queryOK("SendMessage", [("MessageBody", "x")], path: path)
            let first = try sqs.queryOK("ReceiveMessage", [("VisibilityTimeout", "0")], path: path)
            let old = try #require(first.at("ReceiveMessageResult/Message/ReceiptHandle")?.text)
            let second = try sqs.queryOK("ReceiveMessage", [("VisibilityTimeout", "30")], path: path)
            let current = try #require(second.at("ReceiveMessageResult/Message/ReceiptHandle")?.text)
            #expect(old != current)
            // AWS words this one `InvalidParameterValue` ("Message does not exist or is not available
            // for visibility timeout change"); Understudy says MessageNotInflight. Either is a 400.
            let stale = try sqs.query("ChangeMessageVisibility", [("ReceiptHandle", old), ("VisibilityTimeout", "5")], path: path)
            #expect(stale.status == 400)
            let code = XMLTree.parse(stale.body)?.at("Error/Code")?.text ?? ""
            #expect(["AWS.SimpleQueueService.MessageNotInflight", "InvalidParameterValue"].contains(code))
            SQSExpect.querySuccess(try sqs.queryOK("ChangeMessageVisibility", [("ReceiptHandle", current), ("VisibilityTimeout", "5")],
                                                   path: path), "ChangeMessageVisibility", hasResult: false)
        }
    }
}
