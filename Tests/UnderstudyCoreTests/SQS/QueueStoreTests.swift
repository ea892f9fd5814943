import Dispatch
import Testing
import UnderstudyNet
@testable import UnderstudyCore

/// A clock the test moves: SQS's fixed long timers (60 s retention minimum, 5-minute
/// deduplication window, 60 s between purges) without waiting for them.
final class ManualClock: Sendable {
    private let now = Locked<Int64>(1_700_000_000_000)
    var read: @Sendable () -> Int64 { { [now] in now.withLock { $0 } } }
    func advance(seconds: Double) { now.withLock { $0 += Int64(seconds * 1000) } }
}

private func makeStore(_ clock: ManualClock, limits: QueueStore.Limits = .init()) -> QueueStore {
    QueueStore(limits: limits, clock: clock.read)
}

private func send(_ store: QueueStore, _ queue: String, _ body: String, group: String? = nil,
                  dedup: String? = nil, delay: Int? = nil) throws(SQSError) -> SendOutcome {
    var request = SendRequest(body: body)
    request.groupID = group
    request.deduplicationID = dedup
    request.delaySeconds = delay
    return try store.send([request], to: queue).outcomes[0].get()
}

private func counts(_ store: QueueStore, _ queue: String) -> (visible: Int, inFlight: Int, delayed: Int) {
    let summary = store.summaries().first { $0.name == queue }!
    return (summary.visible, summary.inFlight, summary.delayed)
}

@Suite struct QueueStoreTests {
    @Test func retentionDropsMessagesAtTheConfiguredAge() throws {
        let clock = ManualClock()
        let store = makeStore(clock)
        try store.createQueue("q", attributes: [("MessageRetentionPeriod", "60")])
        _ = try send(store, "q", "old")
        clock.advance(seconds: 30)
        _ = try send(store, "q", "young")
        clock.advance(seconds: 29.999)
        #expect(counts(store, "q").visible == 2)
        clock.advance(seconds: 0.001)
        #expect(counts(store, "q").visible == 1)
        let received = try store.receive(from: "q", max: 10, visibility: nil).messages
        #expect(received.map(\.message.body) == ["young"])
    }

    @Test func fifoDeduplicatesForFiveMinutesThenAcceptsAgain() throws {
        let clock = ManualClock()
        let store = makeStore(clock)
        try store.createQueue("o.fifo", attributes: [("FifoQueue", "true")])
        let first = try send(store, "o.fifo", "a", group: "g", dedup: "x")
        clock.advance(seconds: 299.999)
        let duplicate = try send(store, "o.fifo", "a", group: "g", dedup: "x")
        #expect(duplicate.messageID == first.messageID)
        #expect(duplicate.sequenceNumber == first.sequenceNumber)
        #expect(counts(store, "o.fifo").visible == 1)
        clock.advance(seconds: 0.001)
        let later = try send(store, "o.fifo", "a", group: "g", dedup: "x")
        #expect(later.messageID != first.messageID)
        #expect(counts(store, "o.fifo").visible == 2)
        #expect(UInt64(later.sequenceNumber!)! > UInt64(first.sequenceNumber!)!)
    }

    @Test func contentBasedDeduplicationUsesTheBodyHash() throws {
        let store = makeStore(ManualClock())
        try store.createQueue("c.fifo", attributes: [("FifoQueue", "true"), ("ContentBasedDeduplication", "true")])
        let one = try send(store, "c.fifo", "same", group: "g")
        let two = try send(store, "c.fifo", "same", group: "h")
        let three = try send(store, "c.fifo", "other", group: "g")
        #expect(one.messageID == two.messageID)
        #expect(three.messageID != one.messageID)
    }

    @Test func purgeIsAllowedOnceAMinute() throws {
        let clock = ManualClock()
        let store = makeStore(clock)
        try store.createQueue("q")
        _ = try store.purge("q")
        clock.advance(seconds: 59)
        do { _ = try store.purge("q"); Issue.record("second purge within 60 s succeeded") } catch {
            #expect(error.name == "PurgeQueueInProgress")
            #expect(error.status == 403)
        }
        #expect(throws: Never.self) { _ = try store.purge("q", enforcingInterval: false) }
        clock.advance(seconds: 1)
        #expect(throws: Never.self) { _ = try store.purge("q") }
    }

    @Test func visibilityTimeoutHidesAReceivedMessageUntilItEnds() throws {
        let clock = ManualClock()
        let store = makeStore(clock)
        try store.createQueue("q", attributes: [("VisibilityTimeout", "30")])
        _ = try send(store, "q", "m")
        let first = try store.receive(from: "q", max: 1, visibility: nil).messages
        #expect(first.count == 1)
        #expect(counts(store, "q").inFlight == 1)
        clock.advance(seconds: 29.999)
        #expect(try store.receive(from: "q", max: 1, visibility: nil).messages.isEmpty)
        clock.advance(seconds: 0.001)
        let again = try store.receive(from: "q", max: 1, visibility: 5).messages
        #expect(again.first?.receiveCount == 2)
        #expect(again.first?.firstReceivedAt == first.first?.firstReceivedAt)
        // The first receipt handle is stale now: deleting with it succeeds but deletes nothing.
        let stale = try store.delete([first[0].receiptHandle], from: "q").outcomes
        #expect(stale == [nil])
        #expect(counts(store, "q").inFlight == 1)
        #expect(try store.delete([again[0].receiptHandle], from: "q").outcomes == [nil])
        #expect(store.summaries().first!.visible + store.summaries().first!.inFlight == 0)
    }

    @Test func changeVisibilityNeedsAMessageInFlight() throws {
        let clock = ManualClock()
        let store = makeStore(clock)
        try store.createQueue("q")
        _ = try send(store, "q", "m")
        let received = try store.receive(from: "q", max: 1, visibility: 10).messages[0]
        #expect(try store.changeVisibility([(received.receiptHandle, 0)], in: "q").outcomes == [nil])
        #expect(counts(store, "q").visible == 1)
        let outcome = try store.changeVisibility([(received.receiptHandle, 30)], in: "q").outcomes[0]
        #expect(outcome?.name == "MessageNotInflight")
        let garbage = try store.changeVisibility([("not-a-handle", 30)], in: "q").outcomes[0]
        #expect(garbage?.name == "ReceiptHandleIsInvalid")
    }

    @Test func delayedMessagesCountAsDelayedUntilDue() throws {
        let clock = ManualClock()
        let store = makeStore(clock)
        try store.createQueue("q", attributes: [("DelaySeconds", "10")])
        _ = try send(store, "q", "queue-delay")
        _ = try send(store, "q", "no-delay", delay: 0)
        #expect(counts(store, "q").delayed == 1)
        #expect(try store.receive(from: "q", max: 10, visibility: nil).messages.map(\.message.body) == ["no-delay"])
        clock.advance(seconds: 10)
        #expect(try store.receive(from: "q", max: 10, visibility: nil).messages.map(\.message.body) == ["queue-delay"])
    }

    @Test func messagesMoveToTheDeadLetterQueueAfterMaxReceiveCount() throws {
        let clock = ManualClock()
        let store = makeStore(clock)
        try store.createQueue("dlq")
        let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":2}"#
        try store.createQueue("q", attributes: [("RedrivePolicy", policy), ("VisibilityTimeout", "1")])
        let sent = try send(store, "q", "poison")
        for _ in 0..<2 {
            #expect(try store.receive(from: "q", max: 1, visibility: nil).messages.count == 1)
            clock.advance(seconds: 1)
        }
        #expect(try store.receive(from: "q", max: 1, visibility: nil).messages.isEmpty)
        let moved = try store.receive(from: "dlq", max: 1, visibility: nil).messages
        #expect(moved.map(\.message.messageID) == [sent.messageID])
        #expect(try store.deadLetterSources(of: "dlq") == ["q"])
    }

    @Test func fifoKeepsOneBatchInFlightPerGroup() throws {
        let store = makeStore(ManualClock())
        try store.createQueue("o.fifo", attributes: [("FifoQueue", "true"), ("ContentBasedDeduplication", "true")])
        for body in ["a1", "a2", "a3"] { _ = try send(store, "o.fifo", body, group: "a") }
        for body in ["b1", "b2"] { _ = try send(store, "o.fifo", body, group: "b") }
        let first = try store.receive(from: "o.fifo", max: 2, visibility: 30).messages
        #expect(first.map(\.message.body) == ["a1", "a2"])
        let second = try store.receive(from: "o.fifo", max: 10, visibility: 30).messages
        #expect(second.map(\.message.body) == ["b1", "b2"])
        #expect(try store.receive(from: "o.fifo", max: 10, visibility: 30).messages.isEmpty)
        _ = try store.delete(first.map(\.receiptHandle), from: "o.fifo")
        #expect(try store.receive(from: "o.fifo", max: 10, visibility: 30).messages.map(\.message.body) == ["a3"])
    }

    @Test func memoryCapsAnswerOverLimit() throws {
        let store = makeStore(ManualClock(), limits: .init(maxMessages: 2, maxBytes: 0))
        try store.createQueue("q")
        _ = try send(store, "q", "1")
        _ = try send(store, "q", "2")
        #expect(throws: SQSError.self) { _ = try send(store, "q", "3") }
        let bytes = makeStore(ManualClock(), limits: .init(maxMessages: 0, maxBytes: 10))
        try bytes.createQueue("q")
        _ = try send(bytes, "q", "12345")
        do { _ = try send(bytes, "q", "123456"); Issue.record("send over sqs.max_bytes succeeded") } catch {
            #expect(error.name == "OverLimit")
            #expect(error.status == 403)
        }
    }

    @Test func createQueueIsIdempotentOnlyWithTheSameAttributes() throws {
        let store = makeStore(ManualClock())
        #expect(try store.createQueue("q", attributes: [("VisibilityTimeout", "5")]).created)
        #expect(try !store.createQueue("q", attributes: [("VisibilityTimeout", "5")]).created)
        #expect(try !store.createQueue("q").created)
        do { try store.createQueue("q", attributes: [("VisibilityTimeout", "6")]); Issue.record("no QueueAlreadyExists") } catch {
            #expect(error.queryCode == "QueueAlreadyExists")
        }
    }

    /// Eight producers and eight consumers on separate threads: every message is received
    /// and deleted exactly once (no visibility timeout expires: 60 s).
    @Test func concurrentProducersAndConsumersLoseAndDuplicateNothing() throws {
        let store = QueueStore()
        try store.createQueue("q", attributes: [("VisibilityTimeout", "60")])
        let perProducer = 2_000, producers = 8
        let seen = Locked<[String: Int]>([:])
        let group = DispatchGroup()
        for producer in 0..<producers {
            DispatchQueue.global().async(group: group) {
                for index in 0..<perProducer {
                    _ = try? store.send([SendRequest(body: "\(producer)-\(index)")], to: "q")
                }
            }
        }
        let remaining = Locked(producers * perProducer)
        for _ in 0..<8 {
            DispatchQueue.global().async(group: group) {
                while remaining.withLock({ $0 }) > 0 {
                    guard let batch = try? store.receive(from: "q", max: 10, visibility: nil).messages, !batch.isEmpty else { continue }
                    seen.withLock { for message in batch { $0[message.message.body, default: 0] += 1 } }
                    _ = try? store.delete(batch.map(\.receiptHandle), from: "q")
                    remaining.withLock { $0 -= batch.count }
                }
            }
        }
        group.wait()
        let result = seen.withLock { $0 }
        #expect(result.count == producers * perProducer)
        #expect(result.values.allSatisfy { $0 == 1 })
        #expect(store.summaries().first.map { $0.visible + $0.inFlight + $0.delayed } == 0)
    }
}
