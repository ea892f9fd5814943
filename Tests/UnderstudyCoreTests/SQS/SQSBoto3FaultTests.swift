import Testing
import TestSupport
@testable import UnderstudyCore

/// Fault rules on SQS actions as a boto3 application meets them: an injected SQS error
/// for one action on one queue, and the 60-second SendMessage incident scaled down — the
/// message is stored at once while the answer waits past the client's read timeout.
struct SQSBoto3FaultTests {
    @Test func anSQSErrorRuleAnswersForItsActionAndQueueOnly() async throws {
        let config = makeTestConfig {
            $0.sqs.queues = [Self.queue("jobs"), Self.queue("other")]
            $0.faults.rules = [ruleValue(#"""
                {"name": "jobs-gone", "match": {"sqs_action": "SendMessage", "queue": "jobs"},
                 "respond": {"sqs_error": "QueueDoesNotExist"}}
                """#)]
        }
        try await withTestServer(config) { server in
            guard let out = try SQSBoto3Script.run(#"""
            jobs = sqs.get_queue_url(QueueName='jobs')['QueueUrl']
            other = sqs.get_queue_url(QueueName='other')['QueueUrl']
            out['jobs'] = error(sqs.send_message, QueueUrl=jobs, MessageBody='lost')
            try:
                sqs.send_message(QueueUrl=jobs, MessageBody='lost again')
                out['raised'] = None
            except sqs.exceptions.QueueDoesNotExist as e:
                out['raised'] = type(e).__name__
            out['other'] = sqs.send_message(QueueUrl=other, MessageBody='kept')['MessageId']
            out['batch'] = len(sqs.send_message_batch(QueueUrl=jobs, Entries=[{'Id': 'b', 'MessageBody': 'batched'}])['Successful'])
            out['jobsCount'] = attrs(jobs, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            out['otherCount'] = attrs(other, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            out['fired'] = [rule['fired'] for rule in admin('/api/state')['faults'] if rule['name'] == 'jobs-gone']
            """#, on: server) else { return }
            expectSQSError(out["jobs"], code: "AWS.SimpleQueueService.NonExistentQueue", status: 400, raisedAs: "QueueDoesNotExist")
            #expect(out["raised"].string == "QueueDoesNotExist")
            #expect(out["other"].string?.count == 36)
            #expect(out["batch"].int == 1)                 // SendMessageBatch is another action
            #expect(out["jobsCount"].string == "1")        // only the batched message: the refused sends stored nothing
            #expect(out["otherCount"].string == "1")
            #expect(out["fired"].array.map { $0.int ?? -1 } == [2])
        }
    }

    /// The incident: `delay: 2s, when: after_effect` on SendMessage, added at run time on the
    /// admin plane. A client with a 0.5 s read timeout and no retries gives up, yet another
    /// client sees the message in the queue long before the 2 s are over.
    @Test func aSlowAnswerAfterTheEffectStillStoresTheMessageAtOnce() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='orders')['QueueUrl']
            out['added'] = post_admin('/api/faults', {'name': 'slow-send', 'match': {'sqs_action': 'SendMessage'},
                                                      'delay': '2s', 'when': 'after_effect'})
            impatient = client(read_timeout=0.5)
            started = time.monotonic()
            try:
                impatient.send_message(QueueUrl=url, MessageBody='stored anyway')
                out['outcome'] = 'answered'
            except ReadTimeoutError as e:
                out['outcome'] = type(e).__name__
            out['gaveUpAfter'] = time.monotonic() - started
            out['count'] = attrs(url, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            out['seenAfter'] = time.monotonic() - started
            out['bodies'] = [m['Body'] for m in receive(url)]
            out['fired'] = [rule['fired'] for rule in admin('/api/state')['faults'] if rule['name'] == 'slow-send']
            """#, on: server) else { return }
            #expect(out["added"].int == 201)
            #expect(out["outcome"].string == "ReadTimeoutError")
            let gaveUp = out["gaveUpAfter"].double ?? 0
            #expect(gaveUp >= 0.5 && gaveUp < 1.5, "\(out)")
            #expect(out["count"].string == "1")
            #expect((out["seenAfter"].double ?? 99) < 1.5, "\(out)")
            #expect(out["bodies"].strings == ["stored anyway"])
            #expect(out["fired"].array.map { $0.int ?? -1 } == [1])
        }
    }

    static func queue(_ name: String) -> SQSQueueConfig {
        var queue = SQSQueueConfig()
        queue.name = name
        return queue
    }
}
