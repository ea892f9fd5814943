import Testing
import TestSupport

/// Queue-level actions through boto3 over loopback: create (idempotent, conflicting),
/// look up, list with prefix and pages, delete, attributes, purge, tags, and queue URLs
/// built from the request's Host.
struct SQSBoto3QueueTests {
    @Test func createQueueIsIdempotentAndRefusesADifferentAttribute() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            first = sqs.create_queue(QueueName='jobs', Attributes={'VisibilityTimeout': '5'})['QueueUrl']
            out['first'] = first
            out['again'] = sqs.create_queue(QueueName='jobs', Attributes={'VisibilityTimeout': '5'})['QueueUrl']
            out['conflict'] = error(sqs.create_queue, QueueName='jobs', Attributes={'VisibilityTimeout': '6'})
            out['visibility'] = attrs(first, 'VisibilityTimeout')['VisibilityTimeout']
            out['lookedUp'] = sqs.get_queue_url(QueueName='jobs')['QueueUrl']
            out['missing'] = error(sqs.get_queue_url, QueueName='nope')
            """#, on: server) else { return }
            let url = "http://127.0.0.1:\(server.dataPort)/000000000000/jobs"
            #expect(out["first"].string == url)
            #expect(out["again"].string == url)
            #expect(out["lookedUp"].string == url)
            expectSQSError(out["conflict"], code: "QueueAlreadyExists", status: 400, raisedAs: "QueueNameExists")
            #expect(out["visibility"].string == "5")
            expectSQSError(out["missing"], code: "AWS.SimpleQueueService.NonExistentQueue", status: 400,
                           raisedAs: "QueueDoesNotExist")
        }
    }

    @Test func listQueuesFiltersByPrefixAndPaginates() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            for name in ['alpha-3', 'alpha-1', 'beta-1', 'alpha-5', 'alpha-2', 'alpha-4']:
                sqs.create_queue(QueueName=name)
            out['all'] = sqs.list_queues()['QueueUrls']
            out['alpha'] = sqs.list_queues(QueueNamePrefix='alpha')['QueueUrls']
            out['none'] = sorted(sqs.list_queues(QueueNamePrefix='gamma').keys())
            pages, token = [], None
            while True:
                kwargs = {'QueueNamePrefix': 'alpha', 'MaxResults': 2}
                if token:
                    kwargs['NextToken'] = token
                page = sqs.list_queues(**kwargs)
                pages.append(page.get('QueueUrls', []))
                token = page.get('NextToken')
                if not token or len(pages) > 5:
                    break
            out['pages'] = pages
            paginator = sqs.get_paginator('list_queues')
            out['paginated'] = [url for page in paginator.paginate(PaginationConfig={'PageSize': 4})
                                for url in page.get('QueueUrls', [])]
            """#, on: server) else { return }
            let base = "http://127.0.0.1:\(server.dataPort)/000000000000/"
            let alphas = (1...5).map { base + "alpha-\($0)" }
            #expect(out["all"].strings.count == 6)
            #expect(out["alpha"].strings == alphas)
            #expect(out["none"].strings == ["ResponseMetadata"])   // no QueueUrls at all
            #expect(out["pages"].array.map(\.strings) == [Array(alphas[0..<2]), Array(alphas[2..<4]), [alphas[4]]])
            #expect(out["paginated"].strings.count == 6)
            #expect(Set(out["paginated"].strings) == Set(out["all"].strings))
        }
    }

    @Test func deleteQueueRemovesItAndItsMessages() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='doomed')['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='lost')
            sqs.delete_queue(QueueUrl=url)
            out['lookup'] = error(sqs.get_queue_url, QueueName='doomed')
            out['listed'] = sqs.list_queues().get('QueueUrls', [])
            out['send'] = error(sqs.send_message, QueueUrl=url, MessageBody='too late')
            out['again'] = error(sqs.delete_queue, QueueUrl=url)
            url = sqs.create_queue(QueueName='doomed')['QueueUrl']
            out['recreatedCount'] = attrs(url, 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            """#, on: server) else { return }
            expectSQSError(out["lookup"], code: "AWS.SimpleQueueService.NonExistentQueue", status: 400, raisedAs: "QueueDoesNotExist")
            #expect(out["listed"].strings.isEmpty)
            expectSQSError(out["send"], code: "AWS.SimpleQueueService.NonExistentQueue", status: 400)
            expectSQSError(out["again"], code: "AWS.SimpleQueueService.NonExistentQueue", status: 400)
            #expect(out["recreatedCount"].string == "0")
        }
    }

    @Test func queueAttributesAreReadSetAndChecked() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='tuned', Attributes={'VisibilityTimeout': '12', 'DelaySeconds': '0'})['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='one')
            sqs.send_message(QueueUrl=url, MessageBody='two')
            out['all'] = attrs(url)
            out['single'] = attrs(url, 'VisibilityTimeout')
            out['pair'] = attrs(url, 'ApproximateNumberOfMessages', 'QueueArn')
            sqs.set_queue_attributes(QueueUrl=url, Attributes={'VisibilityTimeout': '7', 'MessageRetentionPeriod': '120',
                                                                 'ReceiveMessageWaitTimeSeconds': '1'})
            out['changed'] = attrs(url, 'VisibilityTimeout', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds')
            out['badValue'] = error(sqs.set_queue_attributes, QueueUrl=url, Attributes={'VisibilityTimeout': '99999'})
            out['notNumber'] = error(sqs.set_queue_attributes, QueueUrl=url, Attributes={'DelaySeconds': 'soon'})
            out['unknownSet'] = error(sqs.set_queue_attributes, QueueUrl=url, Attributes={'Colour': 'blue'})
            out['unknownGet'] = error(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=['Colour'])
            out['unchanged'] = attrs(url, 'VisibilityTimeout')['VisibilityTimeout']
            out['missingQueue'] = error(sqs.get_queue_attributes, QueueUrl=url + '-gone', AttributeNames=['All'])
            """#, on: server) else { return }
            let all = out["all"].stringMap
            #expect(all["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:tuned")
            #expect(all["VisibilityTimeout"] == "12")
            #expect(all["ApproximateNumberOfMessages"] == "2")
            #expect(all["ApproximateNumberOfMessagesNotVisible"] == "0")
            #expect(all["ApproximateNumberOfMessagesDelayed"] == "0")
            #expect(all["MaximumMessageSize"] == "1048576")
            #expect(all["MessageRetentionPeriod"] == "345600")
            #expect(all["ReceiveMessageWaitTimeSeconds"] == "0")
            #expect(all["CreatedTimestamp"].flatMap(Int.init) ?? 0 > 1_600_000_000)
            #expect(all["FifoQueue"] == nil)
            #expect(out["single"].stringMap == ["VisibilityTimeout": "12"])
            #expect(out["pair"].stringMap == ["ApproximateNumberOfMessages": "2",
                                              "QueueArn": "arn:aws:sqs:us-east-1:000000000000:tuned"])
            #expect(out["changed"].stringMap == ["VisibilityTimeout": "7", "MessageRetentionPeriod": "120",
                                                 "ReceiveMessageWaitTimeSeconds": "1"])
            expectSQSError(out["badValue"], code: "InvalidAttributeValue", status: 400, raisedAs: "InvalidAttributeValue")
            expectSQSError(out["notNumber"], code: "InvalidAttributeValue", status: 400)
            expectSQSError(out["unknownSet"], code: "InvalidAttributeName", status: 400, raisedAs: "InvalidAttributeName")
            expectSQSError(out["unknownGet"], code: "InvalidAttributeName", status: 400, raisedAs: "InvalidAttributeName")
            #expect(out["unchanged"].string == "7")
            expectSQSError(out["missingQueue"], code: "AWS.SimpleQueueService.NonExistentQueue", status: 400)
        }
    }

    @Test func purgeDeletesEveryMessageOnceAMinute() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='purged')['QueueUrl']
            for body in ['a', 'b', 'c']:
                sqs.send_message(QueueUrl=url, MessageBody=body)
            receive(url)   # one of them in flight: purged too
            out['before'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            sqs.purge_queue(QueueUrl=url)
            out['after'] = attrs(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            out['received'] = len(receive(url))
            out['again'] = error(sqs.purge_queue, QueueUrl=url)
            sqs.send_message(QueueUrl=url, MessageBody='after the purge')
            out['kept'] = [m['Body'] for m in receive(url)]
            """#, on: server) else { return }
            #expect(out["before"].stringMap == ["ApproximateNumberOfMessages": "2", "ApproximateNumberOfMessagesNotVisible": "1"])
            #expect(out["after"].stringMap == ["ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"])
            #expect(out["received"].int == 0)
            expectSQSError(out["again"], code: "AWS.SimpleQueueService.PurgeQueueInProgress", status: 403,
                           raisedAs: "PurgeQueueInProgress")
            #expect(out["kept"].strings == ["after the purge"])
        }
    }

    @Test func tagsAreAddedListedAndRemoved() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            url = sqs.create_queue(QueueName='tagged', tags={'team': 'payments'})['QueueUrl']
            out['created'] = sqs.list_queue_tags(QueueUrl=url).get('Tags')
            sqs.tag_queue(QueueUrl=url, Tags={'env': 'dev', 'team': 'orders'})
            out['tagged'] = sqs.list_queue_tags(QueueUrl=url).get('Tags')
            sqs.untag_queue(QueueUrl=url, TagKeys=['team'])
            out['untagged'] = sqs.list_queue_tags(QueueUrl=url).get('Tags')
            sqs.untag_queue(QueueUrl=url, TagKeys=['env'])
            out['empty'] = sorted(sqs.list_queue_tags(QueueUrl=url).keys())
            out['missing'] = error(sqs.tag_queue, QueueUrl=url + '-gone', Tags={'a': 'b'})
            """#, on: server) else { return }
            #expect(out["created"].stringMap == ["team": "payments"])
            #expect(out["tagged"].stringMap == ["team": "orders", "env": "dev"])
            #expect(out["untagged"].stringMap == ["env": "dev"])
            #expect(out["empty"].strings == ["ResponseMetadata"])
            expectSQSError(out["missing"], code: "AWS.SimpleQueueService.NonExistentQueue", status: 400)
        }
    }

    /// Queue URLs carry the Host the client used (`http://HOST:PORT/ACCOUNT/NAME`), so a
    /// client behind a proxy or a made-up name gets URLs it can use again.
    @Test func queueURLsAreBuiltFromTheHostHeader() async throws {
        try await withTestServer { server in
            guard let out = try SQSBoto3Script.run(#"""
            def raw(action, body, host):
                parsed = urllib.parse.urlsplit(URL)
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
                connection.request('POST', '/', body=json.dumps(body), headers={
                    'Host': host, 'X-Amz-Target': 'AmazonSQS.' + action, 'Content-Type': 'application/x-amz-json-1.0'})
                response = connection.getresponse()
                answer = {'status': response.status, 'body': json.loads(response.read())}
                connection.close()
                return answer
            out['created'] = raw('CreateQueue', {'QueueName': 'hosted'}, 'example.test:1234')
            out['lookedUp'] = raw('GetQueueUrl', {'QueueName': 'hosted'}, 'queues.internal')
            out['listed'] = raw('ListQueues', {}, 'example.test:1234')
            out['boto3'] = sqs.get_queue_url(QueueName='hosted')['QueueUrl']
            # A URL naming another host still finds the queue: the last path segment decides.
            sqs.send_message(QueueUrl=out['created']['body']['QueueUrl'], MessageBody='via a foreign URL')
            out['count'] = attrs(out['boto3'], 'ApproximateNumberOfMessages')['ApproximateNumberOfMessages']
            """#, on: server) else { return }
            #expect(out["created"]["status"].int == 200)
            #expect(out["created"]["body"]["QueueUrl"].string == "http://example.test:1234/000000000000/hosted")
            #expect(out["lookedUp"]["body"]["QueueUrl"].string == "http://queues.internal/000000000000/hosted")
            #expect(out["listed"]["body"]["QueueUrls"].strings == ["http://example.test:1234/000000000000/hosted"])
            #expect(out["boto3"].string == "http://127.0.0.1:\(server.dataPort)/000000000000/hosted")
            #expect(out["count"].string == "1")
        }
    }
}
