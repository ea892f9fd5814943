import DequeModule

/// A FIFO queue's order and memory: messages per message group in send order, the groups
/// in turn, the deduplication window (5 minutes, AWS's fixed interval) and the next
/// SequenceNumber. Owned by its `SQSQueue`.
struct FIFOState {
    var groups: [String: Deque<StoredMessage>] = [:]
    /// Groups holding messages, visited in turn by receives.
    var order = Deque<String>()
    private var seen: [String: Deduplicated] = [:]
    private var seenOrder = Deque<(key: String, expiresAt: Int64)>()
    /// 20 digits, starting from the clock so numbers keep increasing across restarts and
    /// queues created again under the same name.
    private var nextSequenceNumber: UInt64 = 10_000_000_000_000_000_000
        + UInt64(max(0, QueueStore.systemClock())) * 1000

    /// AWS's deduplication interval.
    static let deduplicationWindow: Int64 = 5 * 60 * 1000

    /// What a deduplicated send answers: the first message's id and sequence number.
    struct Deduplicated { var messageID: String; var sequenceNumber: String; var expiresAt: Int64 }

    mutating func append(_ message: StoredMessage) {
        let group = message.groupID ?? ""
        if groups[group] == nil { order.append(group) }
        groups[group, default: []].append(message)
    }

    mutating func removeAllMessages() {
        groups.removeAll()
        order.removeAll()
    }

    /// The earlier send this one duplicates, if it falls inside the window.
    mutating func duplicate(of key: String, now: Int64) -> Deduplicated? {
        expire(now: now)
        return seen[key]
    }

    mutating func remember(_ key: String, messageID: String, sequenceNumber: String, now: Int64) {
        let expiresAt = now + Self.deduplicationWindow
        seen[key] = Deduplicated(messageID: messageID, sequenceNumber: sequenceNumber, expiresAt: expiresAt)
        seenOrder.append((key, expiresAt))
    }

    private mutating func expire(now: Int64) {
        while let first = seenOrder.first, first.expiresAt <= now {
            seenOrder.removeFirst()
            if let record = seen[first.key], record.expiresAt <= now { seen[first.key] = nil }
        }
    }

    /// The next SequenceNumber: increasing, 20 digits as AWS writes them.
    mutating func takeSequenceNumber() -> String {
        nextSequenceNumber += 1
        return String(nextSequenceNumber)
    }

    /// After a restart: continue after the highest number stored, and remember the
    /// deduplication ids still inside their window (a producer retrying after the restart
    /// must not create a second copy).
    mutating func noteRestored(_ message: StoredMessage, scope: String, now: Int64) {
        if let number = message.sequenceNumber, let value = UInt64(number), value > nextSequenceNumber { nextSequenceNumber = value }
        guard let id = message.deduplicationID, let number = message.sequenceNumber,
              message.sentAt + Self.deduplicationWindow > now else { return }
        let key = scope == "messageGroup" ? (message.groupID ?? "") + "\u{0}" + id : id
        seen[key] = Deduplicated(messageID: message.messageID, sequenceNumber: number,
                                 expiresAt: message.sentAt + Self.deduplicationWindow)
        seenOrder.append((key, message.sentAt + Self.deduplicationWindow))
    }
}
