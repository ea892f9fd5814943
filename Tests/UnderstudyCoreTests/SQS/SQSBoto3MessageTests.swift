import Testing
import TestSupport

/// Message actions through boto3 over loopback: send, receive and delete with the MD5s
/// checked against Python's own computation, typed message attributes, the batch actions
/// with per-entry failures, and dead-letter redrive.
struct SQSBoto3MessageTests {
    @Test func messagesRoundTripWithTheDigestsAWSComputes() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='digests')['QueueUrl']
            plain = sqs.send_message(QueueUrl=url, MessageBody='plain body')
            out['plain'] = {'md5': plain['MD5OfMessageBody'], 'expected': md5_body('plain body'),
                            'hasAttributesMD5': 'MD5OfMessageAttributes' in plain, 'id': plain['MessageId']}
            body = 'typed: ünïcødé ✓ 😀'
            attributes = {
                'colour': {'DataType': 'String', 'StringValue': 'blue'},
                'count': {'DataType': 'Number', 'StringValue': '42'},
                'blob': {'DataType': 'Binary', 'BinaryValue': bytes([0, 1, 2, 254, 255])},
                'ratio': {'DataType': 'Number.float', 'StringValue': '0.25'},
                'emoji.custom': {'DataType': 'String.custom', 'StringValue': 'Émoji 🚀'},  # names are ASCII (AWS), values any XML character
            }
            typed = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)
            out['typed'] = {'md5': typed['MD5OfMessageBody'], 'expected': md5_body(body),
                            'attributesMD5': typed.get('MD5OfMessageAttributes'), 'expectedAttributes': md5_attributes(attributes)}
            received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=['All'],
                                           AttributeNames=['All'])['Messages']
            out['received'] = []
            for message in received:
                got = message.get('MessageAttributes', {})
                out['received'].append({
                    'body': message['Body'], 'md5': message['MD5OfBody'], 'expected': md5_body(message['Body']),
                    'attributesMD5': message.get('MD5OfMessageAttributes'),
                    'expectedAttributes': md5_attributes(got) if got else None,
                    'attributes': got, 'roundTrip': got == attributes,
                    'system': message.get('Attributes', {}), 'id': message['MessageId']})
            # Asking for some attributes by name returns those and their digest only.
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=received[-1]['ReceiptHandle'], VisibilityTimeout=0)
            some = sqs.receive_message(QueueUrl=url, MessageAttributeNames=['colour', 'ratio', 'absent'])['Messages'][0]
            picked = {name: attributes[name] for name in ['colour', 'ratio']}
            out['some'] = {'names': sorted(some.get('MessageAttributes', {})), 'md5': some.get('MD5OfMessageAttributes'),
                           'expected': md5_attributes(picked)}
            for message in received:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message['ReceiptHandle'])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=some['ReceiptHandle'])
            out['left'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            """#, on: server) else { return }
            #expect(out["plain"]["md5"].string == out["plain"]["expected"].string)
            #expect(out["plain"]["hasAttributesMD5"].bool == false)
            #expect(out["typed"]["md5"].string == out["typed"]["expected"].string)
            #expect(out["typed"]["attributesMD5"].exists)
            #expect(out["typed"]["attributesMD5"].string == out["typed"]["expectedAttributes"].string)
            let received = out["received"].array
            try #require(received.count == 2, "\(out["received"])")
            #expect(received.map { $0["body"].string ?? "" } == ["plain body", "typed: ünïcødé ✓ 😀"])
            for message in received {
                #expect(message["md5"].string == message["expected"].string)
                #expect(message["attributesMD5"].string == message["expectedAttributes"].string)
                #expect(message["system"]["ApproximateReceiveCount"].string == "1")
                #expect(message["system"]["SenderId"].exists)
                #expect((message["system"]["SentTimestamp"].int ?? 0) > 1_600_000_000_000)
            }
            #expect(received[0]["id"].string == out["plain"]["id"].string)
            #expect(!received[0]["attributesMD5"].exists)
            #expect(received[1]["roundTrip"].bool == true, "\(received[1]["attributes"])")
            #expect(received[1]["attributes"]["blob"]["BinaryValue"].string == "AAEC/v8=")
            #expect(received[1]["attributes"]["ratio"]["DataType"].string == "Number.float")
            #expect(out["some"]["names"].strings == ["colour", "ratio"])
            #expect(out["some"]["md5"].string == out["some"]["expected"].string)
            #expect(out["left"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])
        }
    }

    @Test func sendMessageBatchAnswersEachEntry() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='batched')['QueueUrl']
            entries = [
                {'Id': 'ok-1', 'MessageBody': 'first'},
                {'Id': 'not_a_number', 'MessageBody': 'x', 'MessageAttributes': {'n': {'DataType': 'Number', 'StringValue': 'many'}}},
                {'Id': 'ok-2', 'MessageBody': 'second', 'MessageAttributes': {'k': {'DataType': 'String', 'StringValue': 'v'}}},
                {'Id': 'too_late', 'MessageBody': 'y', 'DelaySeconds': 901},
            ]
            answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)
            out['successful'] = [{'id': e['Id'], 'md5': e['MD5OfMessageBody'], 'attributesMD5': e.get('MD5OfMessageAttributes'),
                                  'messageId': e['MessageId']} for e in answer.get('Successful', [])]
            out['expected'] = {'ok-1': [md5_body('first'), None],
                               'ok-2': [md5_body('second'), md5_attributes(entries[2]['MessageAttributes'])]}
            out['failed'] = answer.get('Failed', [])
            out['status'] = answer['ResponseMetadata']['HTTPStatusCode']
            out['bodies'] = sorted(m['Body'] for m in receive(url, MaxNumberOfMessages=10))
            """#, on: server) else { return }
            #expect(out["status"].int == 200)
            let successful = out["successful"].array
            #expect(successful.map { $0["id"].string ?? "" } == ["ok-1", "ok-2"])
            for entry in successful {
                let expected = out["expected"][entry["id"].string ?? ""]
                #expect(entry["md5"].string == expected[0].string)
                #expect(entry["attributesMD5"].string == expected[1].string)
                #expect(entry["messageId"].string?.count == 36)
            }
            let failed = out["failed"].array
            #expect(failed.map { $0["Id"].string ?? "" } == ["not_a_number", "too_late"])
            for entry in failed {
                #expect(entry["Code"].string == "InvalidParameterValue")
                #expect(entry["SenderFault"].bool == true)
                #expect(entry["Message"].string?.isEmpty == false)
            }
            #expect(out["bodies"].strings == ["first", "second"])
        }
    }

    @Test func deleteAndChangeVisibilityBatchesAnswerEachEntry() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='handled')['QueueUrl']
            for body in ['m1', 'm2', 'm3']:
                sqs.send_message(QueueUrl=url, MessageBody=body)
            first = sorted(receive(url, MaxNumberOfMessages=10), key=lambda m: m['Body'])
            out['firstBodies'] = [m['Body'] for m in first]
            handles = {m['Body']: m['ReceiptHandle'] for m in first}
            changed = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
                {'Id': 'back', 'ReceiptHandle': handles['m1'], 'VisibilityTimeout': 0},
                {'Id': 'keep', 'ReceiptHandle': handles['m2'], 'VisibilityTimeout': 60},
                {'Id': 'bogus', 'ReceiptHandle': 'not-a-handle', 'VisibilityTimeout': 0},
            ])
            out['changedOK'] = sorted(e['Id'] for e in changed.get('Successful', []))
            out['changedFailed'] = changed.get('Failed', [])
            again = receive(url, MaxNumberOfMessages=10, AttributeNames=['ApproximateReceiveCount'])
            out['again'] = [[m['Body'], m['Attributes']['ApproximateReceiveCount']] for m in again]
            handles['m1'] = again[0]['ReceiptHandle']
            # m1 was received again: delete it by its latest handle. A made-up handle fails alone.
            deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
                {'Id': 'd1', 'ReceiptHandle': handles['m1']}, {'Id': 'd2', 'ReceiptHandle': handles['m2']},
                {'Id': 'd3', 'ReceiptHandle': handles['m3']}, {'Id': 'junk', 'ReceiptHandle': 'junk'},
            ])
            out['deletedOK'] = sorted(e['Id'] for e in deleted.get('Successful', []))
            out['deletedFailed'] = deleted.get('Failed', [])
            out['left'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            """#, on: server) else { return }
            #expect(out["firstBodies"].strings == ["m1", "m2", "m3"])
            #expect(out["changedOK"].strings == ["back", "keep"])
            #expect(out["changedFailed"].array.map { $0["Id"].string ?? "" } == ["bogus"])
            #expect(out["changedFailed"][0]["Code"].string == "ReceiptHandleIsInvalid")
            #expect(out["changedFailed"][0]["SenderFault"].bool == true)
            #expect(out["again"].array.map(\.strings) == [["m1", "2"]])
            #expect(out["deletedOK"].strings == ["d1", "d2", "d3"])
            #expect(out["deletedFailed"].array.map { $0["Id"].string ?? "" } == ["junk"])
            #expect(out["deletedFailed"][0]["Code"].string == "ReceiptHandleIsInvalid")
            #expect(out["left"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])
        }
    }

    /// maxReceiveCount 1 with VisibilityTimeout 0: the first receive hands the message out,
    /// the second attempt moves it to the dead-letter queue instead.
    @Test func aMessageReceivedTooOftenMovesToTheDeadLetterQueue() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            dlq = sqs.create_queue(QueueName='jobs-dlq')['QueueUrl']
            dlq_arn = attrs(dlq, 'QueueArn')['QueueArn']
            source = sqs.create_queue(QueueName='jobs', Attributes={
                'VisibilityTimeout': '0',
                'RedrivePolicy': json.dumps({'deadLetterTargetArn': dlq_arn, 'maxReceiveCount': 1})})['QueueUrl']
            other = sqs.create_queue(QueueName='unrelated')['QueueUrl']
            out['policy'] = json.loads(attrs(source, 'RedrivePolicy')['RedrivePolicy'])
            sent = sqs.send_message(QueueUrl=source, MessageBody='poison')['MessageId']
            out['first'] = [m['Body'] for m in receive(source, AttributeNames=['ApproximateReceiveCount'])]
            out['second'] = [m['Body'] for m in receive(source)]
            out['sourceLeft'] = attrs(source, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            moved = receive(dlq, AttributeNames=['All'])
            out['dead'] = [{'body': m['Body'], 'sameId': m['MessageId'] == sent} for m in moved]
            out['sources'] = sqs.list_dead_letter_source_queues(QueueUrl=dlq)['queueUrls']
            out['noSources'] = sqs.list_dead_letter_source_queues(QueueUrl=other)['queueUrls']
            out['missingTarget'] = error(sqs.create_queue, QueueName='orphan', Attributes={
                'RedrivePolicy': json.dumps({'deadLetterTargetArn': dlq_arn + '-gone', 'maxReceiveCount': 1})})
            """#, on: server) else { return }
            #expect(out["policy"]["maxReceiveCount"].int == 1)
            #expect(out["policy"]["deadLetterTargetArn"].string == "arn:aws:sqs:us-east-1:000000000000:jobs-dlq")
            #expect(out["first"].strings == ["poison"])
            #expect(out["second"].strings == [])
            #expect(out["sourceLeft"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])
            #expect(out["dead"].array.map { $0["body"].string ?? "" } == ["poison"])
            #expect(out["dead"][0]["sameId"].bool == true)
            #expect(out["sources"].strings == ["http://127.0.0.1:\(server.dataPort)/000000000000/jobs"])
            #expect(out["noSources"].strings == [])
            expectSQSError(out["missingTarget"], code: "InvalidParameterValue", status: 400)
        }
    }
}
