import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/api/queues`: counts per queue, one queue in detail with a peek that changes nothing,
/// purge; queues in `/api/state` and in `/metrics`.
@Suite struct QueuesAPITests {
    func request(_ server: TestServer, _ method: String, _ path: String) throws -> RawClient.Response {
        let client = try server.adminClient()
        try client.send("\(method) \(path) HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return try client.readResponse()
    }

    func json(_ response: RawClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    static func config() -> UnderstudyConfig {
        makeTestConfig {
            var jobs = SQSQueueConfig()
            jobs.name = "jobs"
            jobs.tags = ["team": "a"]
            var orders = SQSQueueConfig()
            orders.name = "orders.fifo"
            $0.sqs.queues = [jobs, orders]
        }
    }

    @Test func listsPeeksAndPurgesWithoutTouchingVisibility() async throws {
        try await withTestServer(Self.config()) { (server: TestServer) async throws in
            let store = server.server.queues
            var first = SendRequest(body: "one")
            first.attributes = [SQSStoredAttribute(name: "k", value: MessageAttributeValue(dataType: "String", stringValue: "v"))]
            _ = try store.send([first, SendRequest(body: "two"), SendRequest(body: "three")], to: "jobs")
            _ = try store.receive(from: "jobs", max: 1, visibility: 60)

            let listed = json(try request(server, "GET", "/api/queues"))
            let queues = try #require(listed["queues"] as? [[String: Any]])
            #expect(queues.map { $0["name"] as? String } == ["jobs", "orders.fifo"])
            #expect(queues[0]["visible"] as? Int == 2)
            #expect(queues[0]["in_flight"] as? Int == 1)
            #expect(queues[0]["sent"] as? Int == 3)
            #expect(queues[1]["fifo"] as? Bool == true)

            let detail = json(try request(server, "GET", "/api/queues/jobs"))
            #expect(detail["arn"] as? String == "arn:aws:sqs:us-east-1:000000000000:jobs")
            #expect((detail["tags"] as? [String: String]) == ["team": "a"])
            #expect((detail["attributes"] as? [String: String])?["VisibilityTimeout"] == "30")
            let messages = try #require(detail["messages"] as? [[String: Any]])
            #expect(messages.map { $0["body"] as? String } == ["one", "two", "three"])
            #expect(messages.map { $0["state"] as? String } == ["in_flight", "visible", "visible"])
            #expect((messages[0]["attributes"] as? [String: String]) == ["k": "v"])
            #expect((json(try request(server, "GET", "/api/queues/jobs?limit=1"))["messages"] as? [Any])?.count == 1)
            // The peek received nothing: two are still there to receive.
            #expect(try store.receive(from: "jobs", max: 10, visibility: 60).messages.count == 2)

            let state = json(try request(server, "GET", "/api/state"))
            #expect((state["queues"] as? [[String: Any]])?.first?["name"] as? String == "jobs")
            let metrics = try request(server, "GET", "/metrics").bodyText
            #expect(metrics.contains(#"understudy_sqs_messages_sent_total{queue="jobs"} 3"#))
            #expect(metrics.contains(#"understudy_sqs_messages_received_total{queue="jobs"} 3"#))
            #expect(metrics.contains(#"understudy_sqs_messages{queue="jobs",state="in_flight"} 3"#))

            let purged = try request(server, "DELETE", "/api/queues/jobs/messages")
            #expect(purged.status == 200)
            #expect(json(purged)["purged"] as? Int == 3)
            #expect(try request(server, "DELETE", "/api/queues/jobs/messages").status == 200)   // no 60 s rule here
            #expect(store.summaries().first.map { $0.visible + $0.inFlight } == 0)
        }
    }

    @Test func unknownQueuesAndWrongMethodsAreRefused() async throws {
        try await withTestServer(Self.config()) { (server: TestServer) async throws in
            let missing = try request(server, "GET", "/api/queues/nope")
            #expect(missing.status == 404)
            #expect(json(missing)["field"] as? String == "name")
            #expect(try request(server, "POST", "/api/queues").status == 405)
            #expect(try request(server, "GET", "/api/queues/jobs/messages").status == 405)
            #expect(try request(server, "DELETE", "/api/queues/jobs").status == 405)
        }
    }
}
