import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// The query protocol's queue actions as SDKs from before AWS's 2023 switch to JSON send them
/// (PHP 3.x, Java v1): form-encoded `Action=…&Version=2012-11-05`, POSTed to `/` with `QueueUrl=`
/// or to the queue URL's path without one; XML answers in the 2012-11-05 namespace, checked
/// element by element.
@Suite struct SQSQueryQueueTests {
    @Test func createQueueWithAttributesAndTagsThenLookItUp() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            let created = try sqs.queryOK("CreateQueue", [
                ("QueueName", "jobs"),
                ("Attribute.1.Name", "VisibilityTimeout"), ("Attribute.1.Value", "45"),
                ("Attribute.2.Name", "DelaySeconds"), ("Attribute.2.Value", "2"),
                ("Tag.1.Key", "team"), ("Tag.1.Value", "core"),
                ("Tag.2.Key", "env"), ("Tag.2.Value", "rehearsal"),
            ])
            let createResult = try #require(SQSExpect.querySuccess(created, "CreateQueue"))
            #expect(createResult.childNames == ["QueueUrl"])
            #expect(createResult["QueueUrl"]?.text == sqs.queueURL("jobs"))

            let lookedUp = try sqs.queryOK("GetQueueUrl", [("QueueName", "jobs")])
            #expect(SQSExpect.querySuccess(lookedUp, "GetQueueUrl")?.at("QueueUrl")?.text == sqs.queueURL("jobs"))

            // An old SDK: no QueueUrl, the queue named by the path.
            let attributes = try sqs.queryOK("GetQueueAttributes", [("AttributeName.1", "All")], path: "/000000000000/jobs")
            let attributesResult = try #require(SQSExpect.querySuccess(attributes, "GetQueueAttributes"))
            #expect(Set(attributesResult.childNames) == ["Attribute"])
            #expect(attributesResult.all("Attribute").allSatisfy { $0.childNames == ["Name", "Value"] })
            let values = attributesResult.pairs("Attribute")
            #expect(values["VisibilityTimeout"] == "45")
            #expect(values["DelaySeconds"] == "2")
            #expect(values["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:jobs")
            #expect(values["ApproximateNumberOfMessages"] == "0")
            #expect(values["MaximumMessageSize"] == "1048576")

            let tags = try sqs.queryOK("ListQueueTags", [("QueueUrl", sqs.queueURL("jobs"))])
            let tagsResult = try #require(SQSExpect.querySuccess(tags, "ListQueueTags"))
            #expect(tagsResult.all("Tag").allSatisfy { $0.childNames == ["Key", "Value"] })
            #expect(tagsResult.pairs("Tag", key: "Key") == ["team": "core", "env": "rehearsal"])

            // CreateQueue again with the same attributes is idempotent.
            let again = try sqs.queryOK("CreateQueue", [("QueueName", "jobs"),
                                                        ("Attribute.1.Name", "VisibilityTimeout"), ("Attribute.1.Value", "45")])
            #expect(SQSExpect.querySuccess(again, "CreateQueue")?.at("QueueUrl")?.text == sqs.queueURL("jobs"))
        }
    }

    @Test func listQueuesReturnsRepeatedQueueURLElements() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            for name in ["alpha", "alpine", "beta"] { try sqs.queryOK("CreateQueue", [("QueueName", name)]) }
            let all = try #require(SQSExpect.querySuccess(try sqs.queryOK("ListQueues"), "ListQueues"))
            #expect(all.childNames == ["QueueUrl", "QueueUrl", "QueueUrl"])
            #expect(all.all("QueueUrl").map(\.text) == ["alpha", "alpine", "beta"].map(sqs.queueURL))

            let prefixed = try #require(SQSExpect.querySuccess(try sqs.queryOK("ListQueues", [("QueueNamePrefix", "alp")]),
                                                               "ListQueues"))
            #expect(prefixed.all("QueueUrl").map(\.text) == ["alpha", "alpine"].map(sqs.queueURL))

            let paged = try #require(SQSExpect.querySuccess(try sqs.queryOK("ListQueues", [("MaxResults", "2")]), "ListQueues"))
            #expect(paged.childNames == ["QueueUrl", "QueueUrl", "NextToken"])
            let token = try #require(paged["NextToken"]?.text)
            let rest = try #require(SQSExpect.querySuccess(
                try sqs.queryOK("ListQueues", [("MaxResults", "2"), ("NextToken", token)]), "ListQueues"))
            #expect(rest.all("QueueUrl").map(\.text) == [sqs.queueURL("beta")])
            #expect(rest["NextToken"] == nil)

            // Nothing matches: an empty result element.
            let none = try sqs.queryOK("ListQueues", [("QueueNamePrefix", "zzz")])
            #expect(SQSExpect.querySuccess(none, "ListQueues")?.children.isEmpty == true)
        }
    }

    @Test func setQueueAttributesOnTheQueuePath() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            try sqs.queryOK("CreateQueue", [("QueueName", "settings")])
            let set = try sqs.queryOK("SetQueueAttributes", [
                ("Attribute.1.Name", "VisibilityTimeout"), ("Attribute.1.Value", "120"),
                ("Attribute.2.Name", "ReceiveMessageWaitTimeSeconds"), ("Attribute.2.Value", "3"),
            ], path: "/000000000000/settings")
            SQSExpect.querySuccess(set, "SetQueueAttributes", hasResult: false)

            let got = try sqs.queryOK("GetQueueAttributes", [("QueueUrl", sqs.queueURL("settings")),
                                                             ("AttributeName.1", "VisibilityTimeout"),
                                                             ("AttributeName.2", "ReceiveMessageWaitTimeSeconds")])
            let result = try #require(SQSExpect.querySuccess(got, "GetQueueAttributes"))
            #expect(result.pairs("Attribute") == ["VisibilityTimeout": "120", "ReceiveMessageWaitTimeSeconds": "3"])
        }
    }

    @Test func tagUntagAndListTags() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            let path = "/000000000000/tagged"
            try sqs.queryOK("CreateQueue", [("QueueName", "tagged")])
            let emptyTags = try sqs.queryOK("ListQueueTags", [], path: path)
            #expect(SQSExpect.querySuccess(emptyTags, "ListQueueTags")?.children.isEmpty == true)

            let tagged = try sqs.queryOK("TagQueue", [("QueueUrl", sqs.queueURL("tagged")),
                                                      ("Tag.1.Key", "team"), ("Tag.1.Value", "core"),
                                                      ("Tag.2.Key", "cost-center"), ("Tag.2.Value", "42"),
                                                      ("Tag.3.Key", "temp"), ("Tag.3.Value", "")])
            SQSExpect.querySuccess(tagged, "TagQueue", hasResult: false)
            let untagged = try sqs.queryOK("UntagQueue", [("TagKey.1", "temp"), ("TagKey.2", "absent")], path: path)
            SQSExpect.querySuccess(untagged, "UntagQueue", hasResult: false)

            let listed = try #require(SQSExpect.querySuccess(try sqs.queryOK("ListQueueTags", [], path: path), "ListQueueTags"))
            #expect(listed.childNames == ["Tag", "Tag"])
            #expect(listed.all("Tag").allSatisfy { $0.childNames == ["Key", "Value"] })
            #expect(listed.pairs("Tag", key: "Key") == ["team": "core", "cost-center": "42"])
        }
    }

    @Test func listDeadLetterSourceQueues() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            try sqs.queryOK("CreateQueue", [("QueueName", "dlq")])
            let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"3"}"#
            for name in ["orders", "payments"] {
                try sqs.queryOK("CreateQueue", [("QueueName", name),
                                                ("Attribute.1.Name", "RedrivePolicy"), ("Attribute.1.Value", policy)])
            }
            try sqs.queryOK("CreateQueue", [("QueueName", "unrelated")])
            let sources = try sqs.queryOK("ListDeadLetterSourceQueues", [("QueueUrl", sqs.queueURL("dlq"))])
            let result = try #require(SQSExpect.querySuccess(sources, "ListDeadLetterSourceQueues"))
            #expect(result.childNames == ["QueueUrl", "QueueUrl"])
            #expect(result.all("QueueUrl").map(\.text) == ["orders", "payments"].map(sqs.queueURL))

            let none = try sqs.queryOK("ListDeadLetterSourceQueues", [], path: "/000000000000/unrelated")
            #expect(SQSExpect.querySuccess(none, "ListDeadLetterSourceQueues")?.children.isEmpty == true)

            let attributes = try sqs.queryOK("GetQueueAttributes", [("AttributeName.1", "RedrivePolicy")],
                                             path: "/000000000000/orders")
            let redrive = try #require(SQSExpect.querySuccess(attributes, "GetQueueAttributes")?.pairs("Attribute")["RedrivePolicy"])
            #expect(redrive.contains("arn:aws:sqs:us-east-1:000000000000:dlq"))
        }
    }

    @Test func purgeThenDeleteQueue() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            let path = "/000000000000/doomed"
            try sqs.queryOK("CreateQueue", [("QueueName", "doomed")])
            for body in ["1", "2"] { try sqs.queryOK("SendMessage", [("MessageBody", body)], path: path) }

            SQSExpect.querySuccess(try sqs.queryOK("PurgeQueue", [], path: path), "PurgeQueue", hasResult: false)
            let counts = try sqs.queryOK("GetQueueAttributes", [("AttributeName.1", "ApproximateNumberOfMessages")], path: path)
            #expect(SQSExpect.querySuccess(counts, "GetQueueAttributes")?.pairs("Attribute") == ["ApproximateNumberOfMessages": "0"])

            let deleted = try sqs.queryOK("DeleteQueue", [("QueueUrl", sqs.queueURL("doomed"))])
            SQSExpect.querySuccess(deleted, "DeleteQueue", hasResult: false)
            try SQSExpect.queryError(try sqs.query("GetQueueUrl", [("QueueName", "doomed")]), status: 400,
                                     code: "AWS.SimpleQueueService.NonExistentQueue")
            let listed = try sqs.queryOK("ListQueues")
            #expect(SQSExpect.querySuccess(listed, "ListQueues")?.children.isEmpty == true)
        }
    }

    /// A queue URL from real AWS (another host and account) names the queue by its last segment.
    @Test func queueURLsFromElsewhereNameTheQueue() async throws {
        try await withTestServer(makeSQSConfig()) { server in
            let sqs = SQSWireClient(server: server)
            try sqs.queryOK("CreateQueue", [("QueueName", "moved")])
            let sent = try sqs.queryOK("SendMessage", [("QueueUrl", "https://sqs.eu-west-1.amazonaws.com/123456789012/moved"),
                                                       ("MessageBody", "hi")])
            #expect(SQSExpect.querySuccess(sent, "SendMessage")?["MD5OfMessageBody"]?.text == ExpectedMD5.body("hi"))
        }
    }
}
