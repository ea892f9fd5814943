import Testing
import TestSupport

/// FIFO queues through boto3 over loopback: order within a message group, one in-flight
/// batch per group, explicit and content-based deduplication, increasing sequence
/// numbers, and the parameters a FIFO send requires or refuses.
struct SQSBoto3FIFOTests {
    @Test func aGroupIsReceivedInOrderOneInFlightBatchAtATime() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='orders.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
            sequence = []
            for group, body in [('a', 'a1'), ('b', 'b1'), ('a', 'a2'), ('a', 'a3'), ('b', 'b2')]:
                sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=body)
                sequence.append(sent['SequenceNumber'])
            out['sequence'] = sequence
            def bodies(messages):
                return [m['Body'] for m in messages]
            first = receive(url, MaxNumberOfMessages=2, AttributeNames=['All'])
            out['first'] = bodies(first)
            out['firstAttributes'] = first[0]['Attributes'] if first else {}
            second = receive(url, MaxNumberOfMessages=10)
            out['second'] = bodies(second)          # group a is in flight: only b
            out['blocked'] = bodies(receive(url, MaxNumberOfMessages=10))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]['ReceiptHandle'])
            out['afterOneDelete'] = bodies(receive(url, MaxNumberOfMessages=10))   # a2 is still in flight
            sqs.delete_message(QueueUrl=url, ReceiptHandle=first[1]['ReceiptHandle'])
            out['afterBatchDeleted'] = bodies(receive(url, MaxNumberOfMessages=10))
            for message in second:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message['ReceiptHandle'])
            out['bAfterDelete'] = bodies(receive(url, MaxNumberOfMessages=10))
            """#, on: server) else { return }
            let sequence = out["sequence"].strings.compactMap { UInt64($0) }
            #expect(sequence.count == 5)
            #expect(sequence == sequence.sorted() && Set(sequence).count == 5, "\(out["sequence"])")
            #expect(out["sequence"].strings.allSatisfy { $0.count == 20 })
            #expect(out["first"].strings == ["a1", "a2"])
            let attributes = out["firstAttributes"]
            #expect(attributes["MessageGroupId"].string == "a")
            #expect(attributes["MessageDeduplicationId"].string == "a1")
            #expect(attributes["SequenceNumber"].string == out["sequence"][0].string)
            #expect(out["second"].strings == ["b1", "b2"])
            #expect(out["blocked"].strings == [])
            #expect(out["afterOneDelete"].strings == [])
            #expect(out["afterBatchDeleted"].strings == ["a3"])
            #expect(out["bAfterDelete"].strings == [])
        }
    }

    /// A long poll blocked only by its group's in-flight batch returns once that batch is
    /// deleted (another consumer's delete frees the group), not when its wait runs out.
    @Test func deletingAGroupsBatchWakesALongPoll() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='handoff.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
            for body in ['first', 'second']:
                sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId='g', MessageDeduplicationId=body)
            worker, waiter = client(), client()
            held = worker.receive_message(QueueUrl=url)['Messages'][0]
            got = {}
            def poll():
                got['bodies'] = [m['Body'] for m in waiter.receive_message(QueueUrl=url, WaitTimeSeconds=2).get('Messages', [])]
                got['at'] = time.monotonic()
            thread = threading.Thread(target=poll)
            thread.start()
            out['waiting'] = wait_until(lambda: admin('/api/state')['connections']['delayed'] == 1)
            deleted = time.monotonic()
            worker.delete_message(QueueUrl=url, ReceiptHandle=held['ReceiptHandle'])
            thread.join()
            out['held'] = held['Body']
            out['bodies'] = got['bodies']
            out['afterDelete'] = got['at'] - deleted
            """#, on: server) else { return }
            #expect(out["waiting"].bool == true)
            #expect(out["held"].string == "first")
            #expect(out["bodies"].strings == ["second"])
            #expect((out["afterDelete"].double ?? 99) < 0.75, "\(out)")
        }
    }

    @Test func anExplicitDeduplicationIdStoresOneMessage() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='dedup.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
            first = sqs.send_message(QueueUrl=url, MessageBody='charge card', MessageGroupId='g', MessageDeduplicationId='order-7')
            repeat = sqs.send_message(QueueUrl=url, MessageBody='charge card again', MessageGroupId='g',
                                      MessageDeduplicationId='order-7')
            other = sqs.send_message(QueueUrl=url, MessageBody='ship', MessageGroupId='g', MessageDeduplicationId='order-8')
            out['ids'] = [first['MessageId'], repeat['MessageId'], other['MessageId']]
            out['sequence'] = [first['SequenceNumber'], repeat['SequenceNumber'], other['SequenceNumber']]
            out['repeatMD5'] = [repeat['MD5OfMessageBody'], md5_body('charge card again')]
            out['count'] = attrs(url, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            out['bodies'] = [m['Body'] for m in receive(url, MaxNumberOfMessages=10)]
            """#, on: server) else { return }
            let ids = out["ids"].strings
            #expect(ids.count == 3 && ids[0] == ids[1] && ids[0] != ids[2], "\(out["ids"])")
            let sequence = out["sequence"].strings
            #expect(sequence.count == 3 && sequence[0] == sequence[1] && sequence[0] != sequence[2])
            #expect(out["repeatMD5"][0].string == out["repeatMD5"][1].string)
            #expect(out["count"].string == "2")
            #expect(out["bodies"].strings == ["charge card", "ship"])
        }
    }

    @Test func contentBasedDeduplicationUsesTheBodysSHA256() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='content.fifo',
                                   Attributes={'FifoQueue': 'true', 'ContentBasedDeduplication': 'true'})['QueueUrl']
            ids = [sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId='g')['MessageId']
                   for body in ['same', 'same', 'different']]
            out['ids'] = ids
            out['count'] = attrs(url, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            messages = receive(url, MaxNumberOfMessages=10, AttributeNames=['MessageDeduplicationId'])
            out['received'] = [[m['Body'], m['Attributes'].get('MessageDeduplicationId')] for m in messages]
            out['expected'] = [hashlib.sha256(b'same').hexdigest(), hashlib.sha256(b'different').hexdigest()]
            out['queue'] = attrs(url, 'FifoQueue', 'ContentBasedDeduplication')
            """#, on: server) else { return }
            let ids = out["ids"].strings
            #expect(ids.count == 3 && ids[0] == ids[1] && ids[0] != ids[2], "\(out["ids"])")
            #expect(out["count"].string == "2")
            #expect(out["received"].array.map(\.strings)
                == [["same", out["expected"][0].string ?? "?"], ["different", out["expected"][1].string ?? "?"]])
            #expect(out["queue"].stringMap == ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
        }
    }

    @Test func aFIFOSendNeedsAGroupAndADeduplicationSource() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='strict.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
            out['noGroup'] = error(sqs.send_message, QueueUrl=url, MessageBody='x', MessageDeduplicationId='d')
            out['noDeduplication'] = error(sqs.send_message, QueueUrl=url, MessageBody='x', MessageGroupId='g')
            out['delayed'] = error(sqs.send_message, QueueUrl=url, MessageBody='x', MessageGroupId='g',
                                   MessageDeduplicationId='d', DelaySeconds=1)
            out['badName'] = error(sqs.create_queue, QueueName='no-suffix', Attributes={'FifoQueue': 'true'})
            standard = sqs.create_queue(QueueName='plain')['QueueUrl']
            out['dedupOnStandard'] = error(sqs.send_message, QueueUrl=standard, MessageBody='x', MessageDeduplicationId='d')
            out['count'] = attrs(url, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            """#, on: server) else { return }
            expectSQSError(out["noGroup"], code: "MissingParameter", status: 400)
            #expect(out["noGroup"]["message"].string?.contains("MessageGroupId") == true)
            expectSQSError(out["noDeduplication"], code: "InvalidParameterValue", status: 400)
            expectSQSError(out["delayed"], code: "InvalidParameterValue", status: 400)
            expectSQSError(out["badName"], code: "InvalidParameterValue", status: 400)
            expectSQSError(out["dedupOnStandard"], code: "InvalidParameterValue", status: 400)
            #expect(out["count"].string == "0")
        }
    }
}
