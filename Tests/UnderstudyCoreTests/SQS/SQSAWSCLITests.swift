import Foundation
import Testing
import TestSupport

/// The aws CLI against a test server: a queue's life from create-queue to delete-queue,
/// each command's JSON output checked. Skips without `aws` unless `UNDERSTUDY_E2E_REQUIRED=1`.
struct SQSAWSCLITests {
    @Test func theAWSCLIRunsAQueueFromCreateToDelete() async throws {
        guard let aws = ExternalTool.require("aws"), let env = ExternalTool.require("env") else { return }
        try await withTestServer { server in
            let endpoint = "http://127.0.0.1:\(server.dataPort)"
            /// Runs `aws --endpoint-url … sqs ARGS --output json` with test credentials and no
            /// user configuration; the parsed output (absent when the command prints nothing).
            func sqs(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ScriptValue {
                let result = try ExternalTool.run(env, [
                    "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
                    "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=",
                    aws, "--endpoint-url", endpoint, "sqs",
                ] + arguments + ["--output", "json", "--cli-read-timeout", "10", "--cli-connect-timeout", "5"])
                try #require(result.status == 0, "aws sqs \(arguments.joined(separator: " ")): \(result.stderr)",
                             sourceLocation: sourceLocation)
                let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { return ScriptValue(nil) }
                return ScriptValue(try JSONSerialization.jsonObject(with: Data(text.utf8)))
            }

            let url = "\(endpoint)/000000000000/cli-jobs"
            #expect(try sqs("create-queue", "--queue-name", "cli-jobs", "--attributes", "VisibilityTimeout=1")["QueueUrl"].string == url)
            #expect(try sqs("list-queues")["QueueUrls"].strings == [url])
            #expect(try sqs("list-queues", "--queue-name-prefix", "nope")["QueueUrls"].strings == [])

            let sent = try sqs("send-message", "--queue-url", url, "--message-body", "from the CLI",
                               "--message-attributes", #"{"kind":{"DataType":"String","StringValue":"cli"}}"#)
            #expect(sent["MD5OfMessageBody"].string == "4f48cda4aced24a2723be5817b1a662d")   // md5("from the CLI")
            #expect(sent["MD5OfMessageAttributes"].exists)
            let attributes = try sqs("get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
            #expect(attributes["ApproximateNumberOfMessages"].string == "1")
            #expect(attributes["VisibilityTimeout"].string == "1")
            #expect(attributes["QueueArn"].string == "arn:aws:sqs:us-east-1:000000000000:cli-jobs")

            let received = try sqs("receive-message", "--queue-url", url, "--wait-time-seconds", "1",
                                   "--message-attribute-names", "All", "--attribute-names", "All")["Messages"]
            #expect(received.array.count == 1)
            #expect(received[0]["Body"].string == "from the CLI")
            #expect(received[0]["MessageAttributes"]["kind"]["StringValue"].string == "cli")
            #expect(received[0]["Attributes"]["ApproximateReceiveCount"].string == "1")
            let handle = try #require(received[0]["ReceiptHandle"].string)
            #expect(!(try sqs("delete-message", "--queue-url", url, "--receipt-handle", handle)).exists)
            let after = try sqs("get-queue-attributes", "--queue-url", url, "--attribute-names",
                                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")["Attributes"]
            #expect(after.stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])

            #expect(!(try sqs("delete-queue", "--queue-url", url)).exists)
            #expect(try sqs("list-queues")["QueueUrls"].strings == [])
        }
    }
}

