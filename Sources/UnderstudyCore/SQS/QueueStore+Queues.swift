import DequeModule

/// Queue-level actions: create, look up, list, delete, attributes, purge, tags and
/// dead-letter sources, as SQS documents them.
extension QueueStore {
    /// CreateQueue: creates the queue, or returns quietly when it exists with the same
    /// attributes given (AWS's idempotence); a differing attribute is `QueueAlreadyExists`.
    @discardableResult
    public func createQueue(_ name: String, attributes: [(name: String, value: String)] = [],
                            tags: [String: String] = [:]) throws(SQSError) -> (created: Bool, ticket: UInt64?) {
        try Self.validateQueueName(name, attributes: attributes)
        let settings = try QueueSettings(creatingWith: attributes)
        let isFIFO = settings.isFIFO
        let (created, ticket) = try withState { (state, now, changes) throws(SQSError) -> Bool in
            if let existing = state.queues[name] {
                let current = Dictionary(existing.settings.attributeValues.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                let wanted = Dictionary(settings.attributeValues.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                for (attribute, _) in attributes where attribute != "FifoQueue" || !isFIFO {
                    if current[attribute] != wanted[attribute] { throw .queueNameExists(attribute) }
                }
                return false
            }
            try Self.checkDeadLetterTarget(settings, queueName: name, in: state)
            let queue = SQSQueue(name: name, settings: settings, createdAt: now)
            queue.tags = tags
            state.queues[name] = queue
            state.counters[name] = QueueCounters()
            changes.append(.putQueue(queue.record))
            return true
        }
        return (created, ticket)
    }

    /// AWS's naming rule: 1–80 of `[A-Za-z0-9_-]`, plus `.fifo` for FIFO queues.
    static func validateQueueName(_ name: String, attributes: [(name: String, value: String)]) throws(SQSError) {
        let isFIFO = attributes.first(where: { $0.name == "FifoQueue" })?.value.lowercased() == "true"
        let stem = isFIFO && name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let valid = !stem.isEmpty && name.utf8.count <= 80
            && stem.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }
        if isFIFO && !name.hasSuffix(".fifo") || !valid {
            throw .invalidParameterValue(isFIFO || name.hasSuffix(".fifo")
                ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
                : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }

    /// The dead-letter queue must exist and be of the same type (standard or FIFO), as AWS requires.
    static func checkDeadLetterTarget(_ settings: QueueSettings, queueName: String, in state: State) throws(SQSError) {
        guard let policy = settings.redrivePolicy else { return }
        guard let target = state.queues[policy.deadLetterQueueName] else {
            throw .invalidParameterValue("Value \(policy.deadLetterTargetArn) for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.")
        }
        guard target.isFIFO == settings.isFIFO else {
            throw .invalidParameterValue("Value \(policy.deadLetterTargetArn) for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be the same type of queue as the source.")
        }
    }

    public func queueExists(_ name: String) -> Bool {
        state.withLock { $0.queues[name] != nil }
    }

    /// Queue names in order, those starting with `prefix`.
    public func queueNames(prefix: String = "") -> [String] {
        state.withLock { state in state.queues.keys.filter { $0.hasPrefix(prefix) }.sorted() }
    }

    public func deleteQueue(_ name: String) throws(SQSError) -> UInt64? {
        let (waiters, ticket) = try withState { (state, _, changes) throws(SQSError) -> Deque<ReceiveWaiter> in
            guard let queue = state.queues.removeValue(forKey: name) else { throw .queueDoesNotExist() }
            state.totalMessages -= queue.messageCount
            state.totalBytes -= queue.byteCount
            state.counters[name] = nil
            changes.append(.deleteQueue(name: name))
            return state.waiters.removeValue(forKey: name) ?? []
        }
        for waiter in waiters where waiter.claim() { waiter.fire() }
        return ticket
    }

    /// GetQueueAttributes: `names` may include `All`; unknown names are `InvalidAttributeName`.
    public func attributes(of name: String, names: [String]) throws(SQSError) -> [(name: String, value: String)] {
        for wanted in names where !QueueSettings.settableNames.contains(wanted) && !QueueSettings.readOnlyNames.contains(wanted) {
            throw .invalidAttributeName(wanted)
        }
        return try withState { (state, now, changes) throws(SQSError) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            advance(queue, state: &state, now: now, changes: &changes)
            let all = names.contains("All")
            var values: [(name: String, value: String)] = [("QueueArn", queueARN(name)),
                ("ApproximateNumberOfMessages", String(queue.visibleCount)),
                ("ApproximateNumberOfMessagesNotVisible", String(queue.inFlightCount)),
                ("ApproximateNumberOfMessagesDelayed", String(queue.delayedCount)),
                ("CreatedTimestamp", String(queue.createdAt / 1000)), ("LastModifiedTimestamp", String(queue.modifiedAt / 1000))]
            values += queue.settings.attributeValues
            return all ? values : values.filter { names.contains($0.name) }
        }.0
    }

    public func setAttributes(of name: String, _ attributes: [(name: String, value: String)]) throws(SQSError) -> UInt64? {
        try withState { (state, now, changes) throws(SQSError) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            var settings = queue.settings
            try settings.apply(attributes, creating: false)
            try Self.checkDeadLetterTarget(settings, queueName: name, in: state)
            queue.settings = settings
            queue.modifiedAt = now
            changes.append(.putQueue(queue.record))
        }.1
    }

    /// PurgeQueue: deletes every message. AWS allows one purge per queue every 60 seconds;
    /// `enforcingInterval: false` (the admin API) skips that rule.
    public func purge(_ name: String, enforcingInterval: Bool = true) throws(SQSError) -> UInt64? {
        try withState { (state, now, changes) throws(SQSError) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            if enforcingInterval, let last = queue.lastPurgeAt, now - last < 60_000 { throw .purgeQueueInProgress(name) }
            state.totalMessages -= queue.messageCount
            state.totalBytes -= queue.byteCount
            queue.purge(now: now)
            if enforcingInterval { queue.lastPurgeAt = now }
            changes.append(.purgeQueue(name: name))
        }.1
    }

    public func tags(of name: String) throws(SQSError) -> [String: String] {
        try withState { (state, _, _) throws(SQSError) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            return queue.tags
        }.0
    }

    /// TagQueue (`adding`) or UntagQueue (`removing`).
    public func changeTags(of name: String, adding: [String: String] = [:], removing: [String] = []) throws(SQSError) -> UInt64? {
        try withState { (state, _, changes) throws(SQSError) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            queue.tags.merge(adding) { _, new in new }
            for key in removing { queue.tags[key] = nil }
            changes.append(.putQueue(queue.record))
        }.1
    }

    /// Queues whose RedrivePolicy names `name` as their dead-letter queue.
    public func deadLetterSources(of name: String) throws(SQSError) -> [String] {
        try withState { (state, _, _) throws(SQSError) in
            guard state.queues[name] != nil else { throw .queueDoesNotExist() }
            return state.queues.values.filter { $0.settings.redrivePolicy?.deadLetterQueueName == name }.map(\.name).sorted()
        }.0
    }
}

extension SQSQueue {
    var record: QueueRecord {
        QueueRecord(name: name, createdAt: createdAt, modifiedAt: modifiedAt,
                    attributes: Dictionary(settings.attributeValues.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                    tags: tags)
    }
}
