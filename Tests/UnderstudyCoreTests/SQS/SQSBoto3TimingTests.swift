import Testing
import TestSupport

/// Where SQS semantics are time, through boto3 over loopback: long polls that end on a send
/// or after their wait, visibility timeouts (the queue's, a receive's, changed to 0) and
/// delays (the message's, the queue's). Waits are 1 s; a long poll stands in for a sleep
/// where the server's own timer decides when a message comes back.
struct SQSBoto3TimingTests {
    /// The receive is seen waiting on the server (`/api/state` counts its connection as
    /// delayed) before another client sends; it must then answer at once, not after 2 s.
    @Test func aLongPollReturnsAsSoonAsAnotherClientSends() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='polled')['QueueUrl']
            receiver, sender = client(), client()
            got = {}
            def poll():
                got['messages'] = receiver.receive_message(QueueUrl=url, WaitTimeSeconds=2).get('Messages', [])
                got['at'] = time.monotonic()
            started = time.monotonic()
            thread = threading.Thread(target=poll)
            thread.start()
            out['waiting'] = wait_until(lambda: admin('/api/state')['connections']['delayed'] == 1)
            sent = time.monotonic()
            sender.send_message(QueueUrl=url, MessageBody='wake up')
            thread.join()
            out['afterSend'] = got['at'] - sent
            out['total'] = got['at'] - started
            out['bodies'] = [m['Body'] for m in got['messages']]
            """#, on: server) else { return }
            #expect(out["waiting"].bool == true)
            #expect(out["bodies"].strings == ["wake up"])
            #expect((out["afterSend"].double ?? 99) < 0.75, "\(out)")
            #expect((out["total"].double ?? 99) < 1.9, "\(out)")
        }
    }

    @Test func anEmptyLongPollWaitsItsTimeAndTheQueueDefaultApplies() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            def timed(url, **kwargs):
                start = time.monotonic()
                messages = receive(url, **kwargs)
                return {'elapsed': time.monotonic() - start, 'count': len(messages)}
            quiet = sqs.create_queue(QueueName='quiet')['QueueUrl']
            patient = sqs.create_queue(QueueName='patient', Attributes={'ReceiveMessageWaitTimeSeconds': '1'})['QueueUrl']
            out['asked'] = timed(quiet, WaitTimeSeconds=1)
            out['short'] = timed(quiet)
            out['queueDefault'] = timed(patient)
            out['overridden'] = timed(patient, WaitTimeSeconds=0)
            """#, on: server) else { return }
            for key in ["asked", "short", "queueDefault", "overridden"] { #expect(out[key]["count"].int == 0) }
            let asked = out["asked"]["elapsed"].double ?? 0, queueDefault = out["queueDefault"]["elapsed"].double ?? 0
            #expect(asked >= 1.0 && asked < 3.0, "\(out)")
            #expect(queueDefault >= 1.0 && queueDefault < 3.0, "\(out)")
            #expect((out["short"]["elapsed"].double ?? 99) < 0.5, "\(out)")
            #expect((out["overridden"]["elapsed"].double ?? 99) < 0.5, "\(out)")
        }
    }

    /// The queue's VisibilityTimeout (1 s) hides a received message; it is invisible at once
    /// and comes back no sooner than 1 s later, counting a second receive.
    @Test func aReceivedMessageIsHiddenForTheQueueVisibilityTimeout() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='hidden', Attributes={'VisibilityTimeout': '1'})['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='once more')
            started = time.monotonic()
            first = receive(url, AttributeNames=['All'])
            out['first'] = [[m['Body'], m['Attributes']['ApproximateReceiveCount']] for m in first]
            out['hidden'] = len(receive(url))
            out['hiddenAt'] = time.monotonic() - started
            out['counts'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            again = receive(url, WaitTimeSeconds=3, AttributeNames=['All'])   # the server wakes it when the timeout ends
            out['backAfter'] = time.monotonic() - started
            out['again'] = [[m['Body'], m['Attributes']['ApproximateReceiveCount']] for m in again]
            out['firstReceived'] = [first[0]['Attributes']['ApproximateFirstReceiveTimestamp'],
                                    again[0]['Attributes']['ApproximateFirstReceiveTimestamp']] if again else []
            """#, on: server) else { return }
            #expect(out["first"].array.map(\.strings) == [["once more", "1"]])
            #expect(out["hidden"].int == 0)
            #expect((out["hiddenAt"].double ?? 99) < 1.0, "the hidden check came too late to mean anything: \(out)")
            #expect(out["counts"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "1"])
            #expect(out["again"].array.map(\.strings) == [["once more", "2"]])
            // ≥ 1 s from before the first receive was sent (the server's clock counts milliseconds).
            let back = out["backAfter"].double ?? 0
            #expect(back >= 0.99 && back < 2.5, "\(out)")
            #expect(out["firstReceived"][0].string != nil && out["firstReceived"][0].string == out["firstReceived"][1].string)
        }
    }

    @Test func aReceiveSetsItsOwnVisibilityTimeout() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='long-default', Attributes={'VisibilityTimeout': '30'})['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='short lease')
            started = time.monotonic()
            out['first'] = [m['Body'] for m in receive(url, VisibilityTimeout=1)]
            out['hidden'] = len(receive(url))
            out['hiddenAt'] = time.monotonic() - started
            again = receive(url, WaitTimeSeconds=3, AttributeNames=['ApproximateReceiveCount'])
            out['backAfter'] = time.monotonic() - started
            out['again'] = [[m['Body'], m['Attributes']['ApproximateReceiveCount']] for m in again]
            """#, on: server) else { return }
            #expect(out["first"].strings == ["short lease"])
            #expect(out["hidden"].int == 0)
            #expect((out["hiddenAt"].double ?? 99) < 1.0, "\(out)")
            #expect(out["again"].array.map(\.strings) == [["short lease", "2"]])
            let back = out["backAfter"].double ?? 0
            #expect(back >= 0.99 && back < 2.5, "\(out)")   // 1 s, not the queue's 30
        }
    }

    /// ChangeMessageVisibility: extending keeps the receipt handle good (a worker's
    /// heartbeat), 0 makes the message visible at once, and each receive counts.
    @Test func changeMessageVisibilityExtendsOrReleasesAMessage() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='leased')['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='work')
            counts = []
            message = receive(url, AttributeNames=['ApproximateReceiveCount'])[0]
            counts.append(message['Attributes']['ApproximateReceiveCount'])
            handle = message['ReceiptHandle']
            out['extended'] = [error(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=60),
                               error(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=120)]
            out['stillHidden'] = len(receive(url))
            start = time.monotonic()
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
            message = receive(url, AttributeNames=['ApproximateReceiveCount'])[0]
            out['releasedIn'] = time.monotonic() - start
            counts.append(message['Attributes']['ApproximateReceiveCount'])
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message['ReceiptHandle'], VisibilityTimeout=0)
            message = receive(url, AttributeNames=['ApproximateReceiveCount'])[0]
            counts.append(message['Attributes']['ApproximateReceiveCount'])
            out['counts'] = counts
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message['ReceiptHandle'], VisibilityTimeout=30)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message['ReceiptHandle'])
            out['left'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            """#, on: server) else { return }
            #expect(out["extended"].array.allSatisfy { !$0.exists }, "\(out["extended"])")
            #expect(out["stillHidden"].int == 0)
            #expect((out["releasedIn"].double ?? 99) < 0.5, "\(out)")
            #expect(out["counts"].strings == ["1", "2", "3"])
            #expect(out["left"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])
        }
    }

    /// A handle stays good after its visibility timeout ends unless the message was received
    /// again: the delete removes the message and the counts stay whole. Nothing may look at
    /// the queue in between (that would apply the expiry first), so this one sleeps.
    @Test func deletingAMessageWhoseTimeoutEndedKeepsTheCounts() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='expired', Attributes={'VisibilityTimeout': '1'})['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='late delete')
            handle = receive(url)[0]['ReceiptHandle']
            time.sleep(1.2)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
            out['counts'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            out['received'] = len(receive(url))
            """#, on: server) else { return }
            #expect(out["counts"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])
            #expect(out["received"].int == 0)
        }
    }

    @Test func aMessageDelayHidesItUntilTheDelayEnds() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='later')['QueueUrl']
            sent = time.monotonic()
            sqs.send_message(QueueUrl=url, MessageBody='in a second', DelaySeconds=1)
            out['counts'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed')
            out['early'] = len(receive(url))
            out['earlyAt'] = time.monotonic() - sent
            out['bodies'] = [m['Body'] for m in receive(url, WaitTimeSeconds=3)]
            out['arrivedAfter'] = time.monotonic() - sent
            out['after'] = attrs(url, 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible')
            """#, on: server) else { return }
            #expect(out["counts"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesDelayed": "1"])
            #expect(out["early"].int == 0)
            #expect((out["earlyAt"].double ?? 99) < 1.0, "\(out)")
            #expect(out["bodies"].strings == ["in a second"])
            let arrived = out["arrivedAfter"].double ?? 0
            #expect(arrived >= 0.99 && arrived < 2.5, "\(out)")
            #expect(out["after"].stringMap == ["ApproximateNumberOfMessagesDelayed": "0", "ApproximateNumberOfMessagesNotVisible": "1"])
        }
    }

    /// A long poll already waiting when a delayed message is sent returns when the delay
    /// ends (1 s), not when its own wait does (3 s); likewise when a message in flight has
    /// its visibility timeout cut to 1 s.
    @Test func aWaitingLongPollWakesWhenADelayOrAShortenedTimeoutEnds() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='soon')['QueueUrl']
            receiver, other = client(), client()
            def waiting_receive(action):
                got = {}
                def poll():
                    got['messages'] = receiver.receive_message(QueueUrl=url, WaitTimeSeconds=3).get('Messages', [])
                    got['at'] = time.monotonic()
                thread = threading.Thread(target=poll)
                thread.start()
                waited = wait_until(lambda: admin('/api/state')['connections']['delayed'] == 1)
                acted = time.monotonic()
                action()
                thread.join()
                return {'waiting': waited, 'bodies': [m['Body'] for m in got['messages']], 'after': got['at'] - acted,
                        'handle': got['messages'][0]['ReceiptHandle'] if got['messages'] else None}
            delayed = waiting_receive(lambda: other.send_message(QueueUrl=url, MessageBody='after a second', DelaySeconds=1))
            shortened = waiting_receive(lambda: other.change_message_visibility(
                QueueUrl=url, ReceiptHandle=delayed['handle'], VisibilityTimeout=1))
            out['delayed'], out['shortened'] = delayed, shortened
            """#, on: server) else { return }
            for key in ["delayed", "shortened"] {
                #expect(out[key]["waiting"].bool == true)
                #expect(out[key]["bodies"].strings == ["after a second"])
                let after = out[key]["after"].double ?? 0
                #expect(after >= 0.99 && after < 2.0, "\(key): \(out[key])")
            }
        }
    }

    @Test func aQueueDelayAppliesToEverySendThatGivesNone() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='slow-lane', Attributes={'DelaySeconds': '1'})['QueueUrl']
            sent = time.monotonic()
            sqs.send_message(QueueUrl=url, MessageBody='delayed by the queue')
            sqs.send_message(QueueUrl=url, MessageBody='not delayed', DelaySeconds=0)
            out['counts'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed')
            out['now'] = [m['Body'] for m in receive(url, MaxNumberOfMessages=10)]
            out['nowAt'] = time.monotonic() - sent
            out['later'] = [m['Body'] for m in receive(url, WaitTimeSeconds=3, MaxNumberOfMessages=10)]
            out['laterAfter'] = time.monotonic() - sent
            """#, on: server) else { return }
            #expect(out["counts"].stringMap == ["ApproximateNumberOfMessages": "1", "ApproximateNumberOfMessagesDelayed": "1"])
            #expect(out["now"].strings == ["not delayed"])
            #expect((out["nowAt"].double ?? 99) < 1.0, "\(out)")
            #expect(out["later"].strings == ["delayed by the queue"])
            let later = out["laterAfter"].double ?? 0
            #expect(later >= 0.99 && later < 2.5, "\(out)")
        }
    }
}
