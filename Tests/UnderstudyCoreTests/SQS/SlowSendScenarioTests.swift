import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// `config/scenarios/slow-sqs-send.yaml`, the 60-second SendMessage, scaled down: the file
/// as shipped loads, and with its rule's 60 s cut to 1.5 s a boto3 client with a 0.5 s read
/// timeout gives up on SendMessage while the message is already in the queue.
struct SlowSendScenarioTests {
    static let scenario = ConfigPaths.repositoryRoot.appendingPathComponent("config/scenarios/slow-sqs-send.yaml").path

    @Test func theScenarioFileLoadsWithItsRealDurations() throws {
        let config = try loadConfig(file: Self.scenario)
        #expect(config.sqs.queues.map(\.name) == ["jobs", "jobs-dlq"])
        let rule = try FaultRule(parsing: try #require(config.faults.rules.first), maxDelay: config.faults.maxDelay.duration)
        #expect(rule.delay == .fixed(.seconds(60)))
        #expect(rule.when == .afterEffect)
    }

    @Test func aClientTimesOutWhileItsMessageIsAlreadyStored() async throws {
        var config = try loadConfig(file: Self.scenario)
        config.server.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
        config.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.server.loops = 1
        config.log.access = false
        guard case .object(var members) = config.faults.rules[0],
              let delay = members.firstIndex(where: { $0.key == "delay" }) else { Issue.record("no delay in the scenario rule"); return }
        members[delay].value = .string("1500ms")
        config.faults.rules[0] = .object(members)
        try await withTestServer(config) { server in
            guard let out = try SQSBoto3Script.run(#"""
            from botocore.exceptions import ReadTimeoutError
            url = sqs.get_queue_url(QueueName='jobs')['QueueUrl']
            impatient = client(read_timeout=0.5)
            started = time.time()
            try:
                impatient.send_message(QueueUrl=url, MessageBody='order-42')
                out['outcome'] = 'answered'
            except ReadTimeoutError:
                out['outcome'] = 'timeout'
            out['gaveUpAfter'] = time.time() - started
            a = attrs(url, 'ApproximateNumberOfMessages')
            out['storedWithin'] = time.time() - started
            out['stored'] = a['ApproximateNumberOfMessages']
            out['body'] = [m['Body'] for m in receive(url)]
            out['fired'] = [r['fired'] for r in admin('/api/state')['faults'] if r['name'] == 'slow-send']
            """#, on: server) else { return }
            #expect(out["outcome"].string == "timeout")
            #expect(out["stored"].string == "1")
            #expect((out["storedWithin"].double ?? 99) < 1.5)   // seen before the held answer was due
            #expect(out["body"].array.map { $0.string ?? "" } == ["order-42"])
            #expect(out["fired"].array.map { $0.int ?? 0 } == [1])
        }
    }
}
