import Testing
import TestSupport

/// SQS errors as boto3 sees them: the code it reads (the query code, from
/// `x-amzn-query-error`), the HTTP status, and the modelled exception class it raises.
struct SQSBoto3ErrorTests {
    @Test func errorsCarryTheirCodesStatusesAndExceptionClasses() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            unchecked = client(parameter_validation=False)   # lets requests boto3 would refuse reach the server
            url = sqs.create_queue(QueueName='errors')['QueueUrl']
            gone = url.replace('/errors', '/missing')
            def entries(count, ids=None):
                return [{'Id': (ids or [str(i) for i in range(count)])[i], 'MessageBody': 'm'} for i in range(count)]
            out['nonExistent'] = error(sqs.send_message, QueueUrl=gone, MessageBody='x')
            try:
                sqs.receive_message(QueueUrl=gone)
                out['caught'] = None
            except sqs.exceptions.QueueDoesNotExist as e:
                out['caught'] = type(e).__name__
            out['tooManyMessages'] = error(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11)
            out['noMessages'] = error(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=0)
            out['waitTooLong'] = error(sqs.receive_message, QueueUrl=url, WaitTimeSeconds=21)
            out['visibilityTooLong'] = error(sqs.receive_message, QueueUrl=url, VisibilityTimeout=43201)
            out['delayTooLong'] = error(sqs.send_message, QueueUrl=url, MessageBody='x', DelaySeconds=901)
            out['emptyBody'] = error(sqs.send_message, QueueUrl=url, MessageBody='')
            out['badCharacter'] = error(sqs.send_message, QueueUrl=url, MessageBody='nul \x00 here')
            out['badNumber'] = error(sqs.send_message, QueueUrl=url, MessageBody='x',
                                     MessageAttributes={'n': {'DataType': 'Number', 'StringValue': 'NaN?'}})
            out['badType'] = error(sqs.send_message, QueueUrl=url, MessageBody='x',
                                   MessageAttributes={'n': {'DataType': 'Decimal', 'StringValue': '1'}})
            out['missingBody'] = error(unchecked.send_message, QueueUrl=url)
            out['missingQueueUrl'] = error(unchecked.get_queue_attributes, AttributeNames=['All'])
            out['missingHandle'] = error(unchecked.delete_message, QueueUrl=url)
            out['tooManyEntries'] = error(sqs.send_message_batch, QueueUrl=url, Entries=entries(11))
            out['sameIds'] = error(sqs.send_message_batch, QueueUrl=url, Entries=entries(2, ['a', 'a']))
            out['badId'] = error(sqs.send_message_batch, QueueUrl=url, Entries=entries(1, ['not valid!']))
            out['longId'] = error(sqs.delete_message_batch, QueueUrl=url, Entries=[{'Id': 'x' * 81, 'ReceiptHandle': 'h'}])
            out['emptyBatch'] = error(unchecked.send_message_batch, QueueUrl=url, Entries=[])
            out['emptyDeleteBatch'] = error(unchecked.delete_message_batch, QueueUrl=url, Entries=[])
            out['badHandle'] = error(sqs.delete_message, QueueUrl=url, ReceiptHandle='garbage')
            out['badHandleChange'] = error(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle='garbage',
                                           VisibilityTimeout=5)
            sqs.send_message(QueueUrl=url, MessageBody='released')
            handle = receive(url)[0]['ReceiptHandle']
            other = sqs.create_queue(QueueName='elsewhere')['QueueUrl']
            out['foreignHandle'] = error(sqs.delete_message, QueueUrl=other, ReceiptHandle=handle)
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
            out['notInflight'] = error(sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=5)
            out['stillThere'] = attrs(url, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            """#, on: server) else { return }
            let nonExistent = "AWS.SimpleQueueService.NonExistentQueue"
            expectSQSError(out["nonExistent"], code: nonExistent, status: 400, raisedAs: "QueueDoesNotExist")
            #expect(out["caught"].string == "QueueDoesNotExist")
            for key in ["tooManyMessages", "noMessages", "waitTooLong", "visibilityTooLong", "delayTooLong", "emptyBody",
                        "badNumber", "badType"] {
                expectSQSError(out[key], code: "InvalidParameterValue", status: 400)
            }
            #expect(out["waitTooLong"]["message"].string?.contains("WaitTimeSeconds") == true, "\(out["waitTooLong"])")
            expectSQSError(out["badCharacter"], code: "InvalidMessageContents", status: 400, raisedAs: "InvalidMessageContents")
            for key in ["missingBody", "missingQueueUrl", "missingHandle"] {
                expectSQSError(out[key], code: "MissingParameter", status: 400)
            }
            #expect(out["missingBody"]["message"].string?.contains("MessageBody") == true)
            expectSQSError(out["tooManyEntries"], code: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", status: 400,
                           raisedAs: "TooManyEntriesInBatchRequest")
            expectSQSError(out["sameIds"], code: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", status: 400,
                           raisedAs: "BatchEntryIdsNotDistinct")
            expectSQSError(out["badId"], code: "AWS.SimpleQueueService.InvalidBatchEntryId", status: 400,
                           raisedAs: "InvalidBatchEntryId")
            expectSQSError(out["longId"], code: "AWS.SimpleQueueService.InvalidBatchEntryId", status: 400)
            expectSQSError(out["emptyBatch"], code: "AWS.SimpleQueueService.EmptyBatchRequest", status: 400,
                           raisedAs: "EmptyBatchRequest")
            expectSQSError(out["emptyDeleteBatch"], code: "AWS.SimpleQueueService.EmptyBatchRequest", status: 400)
            expectSQSError(out["badHandle"], code: "ReceiptHandleIsInvalid", status: 404, raisedAs: "ReceiptHandleIsInvalid")
            expectSQSError(out["badHandleChange"], code: "ReceiptHandleIsInvalid", status: 404)
            expectSQSError(out["foreignHandle"], code: "ReceiptHandleIsInvalid", status: 404)
            expectSQSError(out["notInflight"], code: "AWS.SimpleQueueService.MessageNotInflight", status: 400,
                           raisedAs: "MessageNotInflight")
            #expect(out["stillThere"].string == "1")
        }
    }
}
