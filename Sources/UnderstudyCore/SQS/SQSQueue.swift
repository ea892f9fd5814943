import DequeModule
import HeapModule

/// One queue's messages and the structures that make each operation O(1) or O(log n): a
/// deque of visible messages in send order (standard queues) or per-group deques (FIFO), a
/// heap of the times delayed and in-flight messages become visible, and running counts for
/// the Approximate… attributes. Transitions that are due are applied lazily by `advance`.
/// Owned by `QueueStore`; touched only under its lock.
final class SQSQueue {
    let name: String
    let createdAt: Int64
    var modifiedAt: Int64
    var settings: QueueSettings
    var tags: [String: String] = [:]
    var messages: [UInt64: StoredMessage] = [:]
    private(set) var visibleCount = 0
    private(set) var inFlightCount = 0
    private(set) var delayedCount = 0
    private(set) var byteCount = 0
    var lastPurgeAt: Int64?

    /// Visible messages of a standard queue, oldest first; entries naming an older token are stale.
    var ready = Deque<Entry>()
    /// Delayed and in-flight messages by the time they become visible.
    private var pending = Heap<Pending>()
    /// Every message in send order, for retention.
    private var sentOrder = Deque<UInt64>()
    /// FIFO only.
    var fifo = FIFOState()

    struct Entry { var sequence: UInt64; var token: UInt32 }

    private struct Pending: Comparable {
        var visibleAt: Int64
        var sequence: UInt64
        var token: UInt32
        static func < (a: Pending, b: Pending) -> Bool { (a.visibleAt, a.sequence) < (b.visibleAt, b.sequence) }
    }

    init(name: String, settings: QueueSettings, createdAt: Int64) {
        self.name = name
        self.settings = settings
        self.createdAt = createdAt
        self.modifiedAt = createdAt
    }

    var isFIFO: Bool { settings.isFIFO }
    var messageCount: Int { messages.count }

    /// The earliest time a delayed or in-flight message becomes visible (long polls wake then).
    var nextVisibleAt: Int64? { pending.min?.visibleAt }

    // MARK: Transitions

    /// Adds a message sent now (`message.visibleAt` says when it can first be received).
    /// `bySentTime`: a message moved from another queue keeps its send time (retention counts
    /// from it), so it goes to its place in send order rather than the end.
    func insert(_ message: StoredMessage, now: Int64, bySentTime: Bool = false) {
        messages[message.sequence] = message
        byteCount += message.size
        if bySentTime, let last = sentOrder.last, let newest = messages[last], newest.sentAt > message.sentAt {
            var index = sentOrder.endIndex
            while index > sentOrder.startIndex,
                  (messages[sentOrder[sentOrder.index(before: index)]]?.sentAt ?? .min) > message.sentAt {
                index = sentOrder.index(before: index)
            }
            sentOrder.insert(message.sequence, at: index)
        } else {
            sentOrder.append(message.sequence)
        }
        if message.visibleAt > now {
            if message.receiveCount > 0 { inFlightCount += 1 } else { delayedCount += 1 }
            pending.insert(Pending(visibleAt: message.visibleAt, sequence: message.sequence, token: message.token))
        } else {
            visibleCount += 1
            if !isFIFO { ready.append(Entry(sequence: message.sequence, token: message.token)) }
        }
        if isFIFO { fifo.append(message) }
    }

    /// Applies what is due at `now`: delays and visibility timeouts that ended, then retention.
    /// Returns the messages retention removed (the store updates its totals and storage).
    @discardableResult
    func advance(now: Int64) -> [StoredMessage] {
        while let top = pending.min, top.visibleAt <= now {
            pending.removeMin()
            guard let message = messages[top.sequence], message.token == top.token, message.visibleAt == top.visibleAt else {
                continue
            }
            if message.receiveCount > 0 { inFlightCount -= 1 } else { delayedCount -= 1 }
            visibleCount += 1
            if !isFIFO { ready.append(Entry(sequence: message.sequence, token: message.token)) }
        }
        let retention = Int64(settings.messageRetentionPeriod) * 1000
        var expired: [StoredMessage] = []
        while let first = sentOrder.first {
            guard let message = messages[first] else { sentOrder.removeFirst(); continue }
            guard message.sentAt + retention <= now else { break }
            sentOrder.removeFirst()
            remove(message, now: now)
            expired.append(message)
        }
        return expired
    }

    /// Takes a message out for good (deleted, expired, purged or moved to a dead-letter queue).
    func remove(_ message: StoredMessage, now: Int64) {
        guard messages.removeValue(forKey: message.sequence) != nil else { return }
        message.isDeleted = true
        byteCount -= message.size
        if message.visibleAt > now {
            if message.receiveCount > 0 { inFlightCount -= 1 } else { delayedCount -= 1 }
        } else {
            visibleCount -= 1
        }
    }

    /// Marks a visible message received: in flight until `now + visibility` (visible again at
    /// once when that is 0). Returns its new token.
    func markReceived(_ message: StoredMessage, now: Int64, visibility: Int64, requeue: Bool = true) {
        message.receiveCount += 1
        if message.firstReceivedAt == 0 { message.firstReceivedAt = now }
        message.receivedAt = now
        message.token = (message.token | 0xFFFF) &+ 1   // a new receive: the handle's half (ReceiptHandle.names)
        setVisibility(message, wasVisible: true, now: now, visibility: visibility, requeue: requeue)
    }

    /// Changes an in-flight message's visibility timeout, counted from now.
    func changeVisibility(_ message: StoredMessage, now: Int64, visibility: Int64) {
        message.token = (message.token & 0xFFFF_0000) | ((message.token &+ 1) & 0xFFFF)   // same receive, new timer
        setVisibility(message, wasVisible: false, now: now, visibility: visibility)
    }

    /// `requeue: false` leaves a message that stays visible out of `ready` (a receive puts it
    /// back after its loop, so one receive cannot hand the same message out twice).
    private func setVisibility(_ message: StoredMessage, wasVisible: Bool, now: Int64, visibility: Int64,
                               requeue: Bool = true) {
        if wasVisible { visibleCount -= 1 } else { inFlightCount -= 1 }
        message.visibleAt = now + visibility
        if visibility > 0 {
            inFlightCount += 1
            pending.insert(Pending(visibleAt: message.visibleAt, sequence: message.sequence, token: message.token))
        } else {
            visibleCount += 1
            if !isFIFO && requeue { ready.append(Entry(sequence: message.sequence, token: message.token)) }
        }
    }

    /// Messages in send order, at most `limit`, without sorting (the admin peek).
    func firstMessages(_ limit: Int) -> [StoredMessage] {
        var found: [StoredMessage] = []
        for sequence in sentOrder where found.count < limit {
            if let message = messages[sequence] { found.append(message) }
        }
        return found
    }

    /// Drops every message (PurgeQueue).
    func purge(now: Int64) {
        for message in messages.values { message.isDeleted = true }
        messages.removeAll()
        ready.removeAll()
        pending = Heap()
        sentOrder.removeAll()
        fifo.removeAllMessages()
        visibleCount = 0
        inFlightCount = 0
        delayedCount = 0
        byteCount = 0
    }

    /// Restores a message read back from storage, as it was (its receive state included).
    func restore(_ message: StoredMessage, now: Int64) {
        insert(message, now: now)
    }
}
