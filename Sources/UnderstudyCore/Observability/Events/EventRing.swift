import DequeModule

/// The last events sent, kept so a subscriber that reconnects with `Last-Event-ID` gets what
/// it missed. Bounded by a count: the oldest event goes when a new one would pass it.
struct EventRing {
    /// One event as it goes on the wire (`id:`, `event:`, `data:` lines and the blank line).
    struct Entry {
        let sequence: UInt64
        let type: LiveEventType
        let frame: [UInt8]
    }

    let capacity: Int
    private(set) var entries = Deque<Entry>()

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    mutating func append(_ entry: Entry) {
        if entries.count == capacity { entries.removeFirst() }
        entries.append(entry)
    }

    /// The oldest sequence number still held, nil when empty.
    var oldestSequence: UInt64? { entries.first?.sequence }

    /// The entries after `sequence`, oldest first.
    func entries(after sequence: UInt64) -> some Sequence<Entry> {
        // Sequences are consecutive, so the first wanted entry's index is known.
        let skip = entries.first.map { sequence >= $0.sequence ? Int(min(sequence - $0.sequence + 1, UInt64(entries.count))) : 0 } ?? 0
        return entries.dropFirst(skip)
    }
}
