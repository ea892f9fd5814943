import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore
import UnderstudyNet

/// `sqs.queues` in a config file: the queues exist at start with their attributes (FIFO implied
/// by `.fifo`), and a bad attribute or name fails loading as `file: key: reason`, exit 2.
@Suite struct SQSQueueConfigTests {
    /// A YAML file for one test, removed afterwards.
    static func withConfigFile(_ text: String, _ body: (String) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "understudy-sqs-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await body(path)
    }

    static let goodQueues = """
        sqs:
          queues:
          - name: jobs
            attributes: {VisibilityTimeout: 5}
          - name: orders.fifo
            attributes: {ContentBasedDeduplication: true}
            tags: {team: core}
        """

    @Test func configuredQueuesExistAtStartWithTheirAttributes() async throws {
        try await Self.withConfigFile(Self.goodQueues) { path in
            var config = try loadConfig(file: path)
            config.server.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
            config.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
            config.server.loops = 1
            config.log.access = false
            try await withTestServer(config) { server in
                let sqs = SQSWireClient(server: server)
                let listed = try #require(SQSExpect.querySuccess(try sqs.queryOK("ListQueues"), "ListQueues"))
                #expect(listed.all("QueueUrl").map(\.text) == ["jobs", "orders.fifo"].map(sqs.queueURL))

                let jobs = try sqs.queryOK("GetQueueAttributes", [("AttributeName.1", "All")], path: "/000000000000/jobs")
                let jobsValues = try #require(SQSExpect.querySuccess(jobs, "GetQueueAttributes")).pairs("Attribute")
                #expect(jobsValues["VisibilityTimeout"] == "5")
                #expect(jobsValues["FifoQueue"] == nil)

                let orders = try sqs.queryOK("GetQueueAttributes", [("QueueUrl", sqs.queueURL("orders.fifo")),
                                                                    ("AttributeName.1", "All")])
                let ordersValues = try #require(SQSExpect.querySuccess(orders, "GetQueueAttributes")).pairs("Attribute")
                #expect(ordersValues["FifoQueue"] == "true")
                #expect(ordersValues["ContentBasedDeduplication"] == "true")
                #expect(ordersValues["VisibilityTimeout"] == "30")

                let tags = try sqs.queryOK("ListQueueTags", [], path: "/000000000000/orders.fifo")
                #expect(SQSExpect.querySuccess(tags, "ListQueueTags")?.pairs("Tag", key: "Key") == ["team": "core"])

                // Content-based deduplication is on: a FIFO send needs only a group id.
                let sent = try sqs.queryOK("SendMessage", [("MessageBody", "o1"), ("MessageGroupId", "g")],
                                           path: "/000000000000/orders.fifo")
                #expect(SQSExpect.querySuccess(sent, "SendMessage")?["SequenceNumber"]?.text.isEmpty == false)
            }
        }
    }

    @Test(arguments: [
        ("VisibilityTimeout: 99999", "sqs.queues[0].attributes.VisibilityTimeout", "Invalid value for the parameter VisibilityTimeout."),
        ("DelaySeconds: -1", "sqs.queues[0].attributes.DelaySeconds", "Invalid value for the parameter DelaySeconds."),
        ("Bogus: 1", "sqs.queues[0].attributes.Bogus", "Unknown Attribute Bogus."),
        ("ContentBasedDeduplication: true", "sqs.queues[0].attributes.ContentBasedDeduplication",
         "Unknown Attribute ContentBasedDeduplication."),
    ])
    func badAttributeFailsLoading(_ attribute: String, _ key: String, _ reason: String) async throws {
        try await Self.withConfigFile("sqs:\n  queues:\n  - name: jobs\n    attributes: {\(attribute)}\n") { path in
            #expect(configLoadError(file: path) == ConfigError(source: path, key: key, reason: reason))
        }
    }

    @Test(arguments: [
        ("bad name!", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
        (String(repeating: "x", count: 81), "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
        ("", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
        ("x.fifo.fifo", "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."),
    ])
    func badNameFailsLoading(_ name: String, _ reason: String) async throws {
        try await Self.withConfigFile("sqs:\n  queues:\n  - name: ok\n  - name: \"\(name)\"\n") { path in
            #expect(configLoadError(file: path) == ConfigError(source: path, key: "sqs.queues[1].name", reason: reason))
        }
    }

    @Test func duplicateQueueNamesFailLoading() async throws {
        try await Self.withConfigFile("sqs:\n  queues:\n  - name: a\n  - name: a\n") { path in
            #expect(configLoadError(file: path) == ConfigError(source: path, key: "sqs.queues[1].name",
                                                               reason: "another queue is already called a"))
        }
    }

    /// Through the binary: `check` and `serve` exit 2 with the file, key and reason on stderr.
    @Test func theBinaryRefusesABadQueueWithExitCodeTwo() async throws {
        try await Self.withConfigFile("sqs:\n  queues:\n  - name: jobs\n    attributes: {VisibilityTimeout: 99999}\n") { path in
            for arguments in [["check", path], ["serve", "--config", path, "--listen", "127.0.0.1:0"]] {
                let result = try await BinaryProcess.run(arguments)
                #expect(result.status == 2, "\(arguments)")
                #expect(result.stderr.contains(
                    "\(path): sqs.queues[0].attributes.VisibilityTimeout: Invalid value for the parameter VisibilityTimeout."),
                        "\(result.stderr)")
            }
        }
    }
}
