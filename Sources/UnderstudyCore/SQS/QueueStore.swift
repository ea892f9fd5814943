import DequeModule
import Foundation
import UnderstudyNet

/// Every queue of one server, behind one lock (a dead-letter move touches two queues at
/// once; each operation is short). Shared by all data-plane loops and the admin plane.
/// Times come from `clock` (milliseconds since the epoch) so tests can move time; long
/// polls wait as `ReceiveWaiter`s woken by sends, never as threads. With a journal, every
/// change is appended under the lock, so storage sees changes in the order the store made them.
public final class QueueStore: Sendable {
    public let region: String
    public let accountID: String
    let limits: Limits
    let clock: @Sendable () -> Int64
    let journal: SQSJournal?
    let state: Locked<State>

    /// `sqs.max_messages` and `sqs.max_bytes` (0: no limit).
    public struct Limits: Sendable {
        public var maxMessages = 0
        public var maxBytes = 0
        public init(maxMessages: Int = 0, maxBytes: Int = 0) { self.maxMessages = maxMessages; self.maxBytes = maxBytes }
    }

    struct State {
        var queues: [String: SQSQueue] = [:]
        var nextSequence: UInt64 = 1
        var totalMessages = 0
        var totalBytes = 0
        var waiters: [String: Deque<ReceiveWaiter>] = [:]
        /// Per queue: sweep ended waiters once the list reaches this length.
        var waiterSweepAt: [String: Int] = [:]
        var counters: [String: QueueCounters] = [:]
        var messageIDs = MessageIDGenerator()
    }

    public init(region: String = "us-east-1", accountID: String = "000000000000", limits: Limits = Limits(),
                journal: SQSJournal? = nil, clock: @escaping @Sendable () -> Int64 = QueueStore.systemClock) {
        self.region = region
        self.accountID = accountID
        self.limits = limits
        self.journal = journal
        self.clock = clock
        self.state = Locked(State())
    }

    /// Milliseconds since the epoch, from the wall clock (SentTimestamp is wall-clock time).
    public static let systemClock: @Sendable () -> Int64 = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    public func queueARN(_ name: String) -> String { "arn:aws:sqs:\(region):\(accountID):\(name)" }

    /// Runs `body` under the lock with the current time; returns its result and the journal
    /// ticket of the changes it recorded (nil when nothing needs to be durable).
    func withState<Result>(_ body: (inout State, Int64, inout [JournalEntry]) throws(SQSError) -> Result)
        throws(SQSError) -> (Result, UInt64?) {
        let outcome: Swift.Result<(Result, UInt64?), SQSError> = state.withLock { state in
            let now = clock()
            var entries: [JournalEntry] = []
            let result: Swift.Result<Result, SQSError>
            do throws(SQSError) {
                result = .success(try body(&state, now, &entries))
            } catch {
                result = .failure(error)
            }
            let ticket = entries.isEmpty ? nil : journal?.append(entries)
            return result.map { ($0, ticket) }
        }
        return try outcome.get()
    }

    /// Applies what is due in `queue` (delays, timeouts, retention) and accounts for the
    /// messages retention removed: totals, and their deletion in storage.
    func advance(_ queue: SQSQueue, state: inout State, now: Int64, changes: inout [JournalEntry]) {
        for message in queue.advance(now: now) {
            state.totalMessages -= 1
            state.totalBytes -= message.size
            if journal != nil { changes.append(.deleteMessage(sequence: message.sequence)) }
        }
    }

    /// Calls `done` once the changes behind `ticket` are durable (at once without storage).
    func afterDurable(_ ticket: UInt64?, _ done: @escaping @Sendable () -> Void) {
        guard let ticket, let journal else { return done() }
        journal.whenDurable(ticket, done)
    }

    /// Restores queues and messages from storage (at start, before serving). A queue whose
    /// stored attributes no longer apply keeps the defaults for them (logged by the caller
    /// through the returned problems); messages and the sequence always load, so new
    /// messages never reuse a stored sequence.
    @discardableResult
    public func restore(from snapshot: SQSSnapshot) -> [String] {
        var problems: [String] = []
        _ = try? withState { (state, now, _) throws(SQSError) in
            for record in snapshot.queues {
                var settings: QueueSettings
                let isFIFO = record.attributes["FifoQueue"] == "true"
                do throws(SQSError) {
                    settings = try QueueSettings(creatingWith: record.attributes.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 })
                } catch {
                    problems.append("queue \(record.name): stored attributes rejected (\(error.message)); defaults used")
                    settings = QueueSettings()
                    settings.isFIFO = isFIFO
                }
                let queue = SQSQueue(name: record.name, settings: settings, createdAt: record.createdAt)
                queue.modifiedAt = record.modifiedAt
                queue.tags = record.tags
                state.queues[record.name] = queue
                state.counters[record.name] = QueueCounters()
            }
            for (name, record) in snapshot.messages {
                state.nextSequence = max(state.nextSequence, record.sequence + 1)
                guard let queue = state.queues[name] else { continue }
                let message = StoredMessage(record: record)
                queue.restore(message, now: now)
                if queue.isFIFO { queue.fifo.noteRestored(message, scope: queue.settings.deduplicationScope, now: now) }
                state.totalMessages += 1
                state.totalBytes += message.size
            }
        }
        return problems
    }

    public func close() { journal?.close() }
}

/// Per-queue totals for metrics and `/api/state`.
public struct QueueCounters: Sendable, Equatable {
    public var sent = 0
    public var received = 0
    public var deleted = 0
}

extension StoredMessage {
    convenience init(record: MessageRecord) {
        let attributes = record.attributes.map { (name: $0.name, value: $0.value) }
        let system = record.systemAttributes.map { (name: $0.name, value: $0.value) }
        self.init(sequence: record.sequence, messageID: record.messageID, body: record.body,
                  bodyMD5: SQSDigest.ofBody(record.body), attributes: attributes,
                  attributesMD5: SQSDigest.ofAttributes(attributes), systemAttributes: system,
                  systemAttributesMD5: SQSDigest.ofAttributes(system), sentAt: record.sentAt, senderID: record.senderID,
                  groupID: record.groupID, deduplicationID: record.deduplicationID, sequenceNumber: record.sequenceNumber,
                  visibleAt: record.visibleAt)
        receiveCount = record.receiveCount
        firstReceivedAt = record.firstReceivedAt
        token = record.token
    }

    func record() -> MessageRecord {
        MessageRecord(sequence: sequence, messageID: messageID, body: body,
                      attributes: attributes.map { SQSStoredAttribute(name: $0.name, value: $0.value) },
                      systemAttributes: systemAttributes.map { SQSStoredAttribute(name: $0.name, value: $0.value) },
                      sentAt: sentAt, senderID: senderID, groupID: groupID, deduplicationID: deduplicationID,
                      sequenceNumber: sequenceNumber, receiveCount: receiveCount, firstReceivedAt: firstReceivedAt,
                      visibleAt: visibleAt, token: token)
    }

    var receiveState: JournalEntry {
        .updateMessage(sequence: sequence, receiveCount: receiveCount, firstReceivedAt: firstReceivedAt,
                       visibleAt: visibleAt, token: token)
    }
}
