import Testing
import UnderstudyNet
@testable import UnderstudyCore

/// Cases a review found: each failed before its fix.
@Suite struct QueueStoreRegressionTests {
    private func send(_ store: QueueStore, _ queue: String, _ body: String) throws(SQSError) -> SendOutcome {
        try store.send([SendRequest(body: body)], to: queue).outcomes[0].get()
    }

    @Test func aHugeMaxReceiveCountIsRefusedNotATrap() throws {
        let store = QueueStore()
        try store.createQueue("dlq")
        for count in ["1e20", "-1e20", "1.5"] {
            let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":\#(count)}"#
            #expect(throws: SQSError.self) { try store.createQueue("q", attributes: [("RedrivePolicy", policy)]) }
        }
        let quoted = #"{"deadLetterTargetArn":"arn:aws:sqs:us\"x:000000000000:dlq","maxReceiveCount":3}"#
        #expect(throws: SQSError.self) { try store.createQueue("q", attributes: [("RedrivePolicy", quoted)]) }
    }

    @Test func visibilityZeroHandsAMessageOutOncePerReceive() throws {
        let store = QueueStore()
        try store.createQueue("q", attributes: [("VisibilityTimeout", "0")])
        _ = try send(store, "q", "only")
        let first = try store.receive(from: "q", max: 10, visibility: nil).messages
        #expect(first.map(\.receiveCount) == [1])
        #expect(try store.receive(from: "q", max: 10, visibility: nil).messages.map(\.receiveCount) == [2])
    }

    @Test func retentionFreesTheMemoryCaps() throws {
        let clock = ManualClock()
        let store = QueueStore(limits: .init(maxMessages: 2, maxBytes: 0), clock: clock.read)
        try store.createQueue("q", attributes: [("MessageRetentionPeriod", "60")])
        _ = try send(store, "q", "a")
        _ = try send(store, "q", "b")
        clock.advance(seconds: 61)
        #expect(throws: Never.self) { _ = try send(store, "q", "c") }
    }

    @Test func endedLongPollsDoNotPileUpOnAnIdleQueue() throws {
        let store = QueueStore()
        try store.createQueue("idle")
        for _ in 0..<1_000 {
            let waiter = ReceiveWaiter {}
            _ = try store.receive(from: "idle", max: 1, visibility: nil, waiter: waiter)
            _ = waiter.claim()   // its timer ended the poll
        }
        #expect(store.state.withLock { $0.waiters["idle"]?.count ?? 0 } <= 64)
    }

    @Test func aRestoreWithABadQueueStillLoadsMessagesAndTheSequence() throws {
        var snapshot = SQSSnapshot()
        snapshot.queues = [QueueRecord(name: "bad", createdAt: 1, modifiedAt: 1, attributes: ["VisibilityTimeout": "not a number"], tags: [:]),
                           QueueRecord(name: "good", createdAt: 1, modifiedAt: 1, attributes: [:], tags: [:])]
        let record = MessageRecord(sequence: 41, messageID: "00000000-0000-4000-8000-000000000041", body: "kept", attributes: [],
                                   systemAttributes: [], sentAt: QueueStore.systemClock(), senderID: "x", groupID: nil,
                                   deduplicationID: nil, sequenceNumber: nil, receiveCount: 0, firstReceivedAt: 0,
                                   visibleAt: 0, token: 0)
        snapshot.messages = [("bad", record), ("good", { var r = record; r.sequence = 42; r.messageID = "other"; return r }())]
        let store = QueueStore()
        let problems = store.restore(from: snapshot)
        #expect(problems.count == 1)
        #expect(store.queueNames() == ["bad", "good"])
        #expect(store.summaries().map(\.visible) == [1, 1])
        #expect(store.state.withLock { $0.nextSequence } == 43)
    }

    @Test func aHandleForAReusedSequenceDoesNotDeleteTheNewMessage() throws {
        let store = QueueStore()
        try store.createQueue("q")
        _ = try send(store, "q", "new")
        let received = try store.receive(from: "q", max: 1, visibility: 60).messages[0]
        var stale = try #require(ReceiptHandle(received.receiptHandle))
        stale.messageID = "a-message-from-before-the-restart"
        #expect(try store.delete([stale.encoded], from: "q").outcomes == [nil])
        #expect(store.summaries()[0].inFlight == 1)
    }

    @Test func fifoDeduplicationSurvivesARestore() throws {
        let store = QueueStore()
        try store.createQueue("o.fifo", attributes: [("FifoQueue", "true")])
        var request = SendRequest(body: "x")
        request.groupID = "g"
        request.deduplicationID = "d"
        let first = try store.send([request], to: "o.fifo").outcomes[0].get()
        let records = store.state.withLock { state in state.queues["o.fifo"]!.messages.values.map { $0.record() } }
        var snapshot = SQSSnapshot()
        snapshot.queues = [store.state.withLock { $0.queues["o.fifo"]!.record }]
        snapshot.messages = records.map { ("o.fifo", $0) }
        let restarted = QueueStore()
        restarted.restore(from: snapshot)
        let again = try restarted.send([request], to: "o.fifo").outcomes[0].get()
        #expect(again.messageID == first.messageID)
        #expect(restarted.summaries()[0].visible == 1)
        request.deduplicationID = "e"
        let next = try restarted.send([request], to: "o.fifo").outcomes[0].get()
        #expect(UInt64(next.sequenceNumber!)! > UInt64(first.sequenceNumber!)!)
    }

    @Test func attributeNamesAndValuesFollowAWSRules() {
        for (name, value) in [("AWS.reserved", "v"), ("a..b", "v"), (".a", "v"), ("ok", ""), ("ok", "a\u{1}b"), ("sp ace", "v")] {
            let input = SQSInput(.object([.init("MessageAttributes", .object([.init(name, .object([
                .init("DataType", .string("String")), .init("StringValue", .string(value))]))]))]))
            #expect(throws: SQSError.self, "\(name)=\(value)") { _ = try input.messageAttributes("MessageAttributes") }
        }
    }

    @Test func aDeadLetterQueueMustBeOfTheSameType() throws {
        let store = QueueStore()
        try store.createQueue("dlq")
        let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3}"#
        #expect(throws: SQSError.self) { try store.createQueue("o.fifo", attributes: [("FifoQueue", "true"), ("RedrivePolicy", policy)]) }
        #expect(throws: Never.self) { try store.createQueue("q", attributes: [("RedrivePolicy", policy)]) }
    }

    @Test func visibilityCannotBeExtendedPastTwelveHours() throws {
        let clock = ManualClock()
        let store = QueueStore(clock: clock.read)
        try store.createQueue("q")
        _ = try send(store, "q", "m")
        let handle = try store.receive(from: "q", max: 1, visibility: 43_000).messages[0].receiptHandle
        clock.advance(seconds: 1_000)
        #expect(try store.changeVisibility([(handle, 42_200)], in: "q").outcomes == [nil])
        let refused = try store.changeVisibility([(handle, 42_201)], in: "q").outcomes[0]
        #expect(refused?.queryCode == "InvalidParameterValue")
    }

    @Test func aBareQueryListNameIsAOneItemList() {
        let input = QueryInput.json(from: [("Action", "GetQueueAttributes"), ("AttributeName", "All")], action: "GetQueueAttributes")
        #expect(input.members?.first { $0.key == "AttributeNames" }?.value == .array([.string("All")]))
    }
}
