/// Durable storage behind the in-memory queues (`sqs.storage: sqlite:PATH`). The store
/// appends every change under its lock, so the journal's order is the store's order, and
/// answers a request only once `whenDurable` says its changes are stored: an acknowledged
/// SendMessage survives a `kill -9`, and a deleted message stays deleted.
public protocol SQSJournal: AnyObject, Sendable {
    /// Queues a batch of changes; returns a ticket for `whenDurable`. Must not block long:
    /// it is called under the store's lock.
    func append(_ entries: [JournalEntry]) -> UInt64
    /// Calls `done`, on any thread, once everything up to `ticket` is durable.
    func whenDurable(_ ticket: UInt64, _ done: @escaping @Sendable () -> Void)
    /// Everything stored, for the start.
    func load() throws -> SQSSnapshot
    /// Writes what is queued and stops the writer.
    func close()
}

/// One change to durable state.
public enum JournalEntry: Sendable, Equatable {
    /// A queue created, or its attributes or tags changed.
    case putQueue(QueueRecord)
    case deleteQueue(name: String)
    case purgeQueue(name: String)
    /// A new message, or one moved to another queue (same sequence, new queue and state).
    case putMessage(queue: String, MessageRecord)
    /// A receive or visibility change.
    case updateMessage(sequence: UInt64, receiveCount: Int, firstReceivedAt: Int64, visibleAt: Int64, token: UInt32)
    case deleteMessage(sequence: UInt64)
}

/// A queue as storage keeps it.
public struct QueueRecord: Sendable, Equatable {
    public var name: String
    public var createdAt: Int64
    public var modifiedAt: Int64
    /// Settable attributes as GetQueueAttributes returns them.
    public var attributes: [String: String]
    public var tags: [String: String]
}

/// A message as storage keeps it.
public struct MessageRecord: Sendable, Equatable {
    public var sequence: UInt64
    public var messageID: String
    public var body: String
    public var attributes: [SQSStoredAttribute]
    public var systemAttributes: [SQSStoredAttribute]
    public var sentAt: Int64
    public var senderID: String
    public var groupID: String?
    public var deduplicationID: String?
    public var sequenceNumber: String?
    public var receiveCount: Int
    public var firstReceivedAt: Int64
    public var visibleAt: Int64
    public var token: UInt32
}

/// A named message attribute, `Equatable` and `Sendable` for records (a tuple is neither).
public struct SQSStoredAttribute: Sendable, Equatable {
    public var name: String
    public var value: MessageAttributeValue
    public init(name: String, value: MessageAttributeValue) { self.name = name; self.value = value }
}

/// What storage held at start: queues, then their messages in sequence order.
public struct SQSSnapshot: Sendable {
    public var queues: [QueueRecord] = []
    public var messages: [(queue: String, record: MessageRecord)] = []
    public init() {}
}
