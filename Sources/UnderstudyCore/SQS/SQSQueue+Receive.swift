/// Receiving: standard queues take visible messages oldest first; FIFO queues take, group
/// by group, the longest visible prefix of each group whose first message is not in flight
/// (one in-flight batch per message group). A message already received `maxReceiveCount`
/// times goes to the dead-letter queue instead (`deadLetter` moves it; the store owns both queues).
extension SQSQueue {
    /// Call `advance` first (the store does, to account for what retention removes).
    func receive(max: Int, now: Int64, visibility: Int64, deadLetter: (StoredMessage) -> Void) -> [StoredMessage] {
        isFIFO ? receiveFIFO(max: max, now: now, visibility: visibility, deadLetter: deadLetter)
                      : receiveStandard(max: max, now: now, visibility: visibility, deadLetter: deadLetter)
    }

    private func exhausted(_ message: StoredMessage) -> Bool {
        guard let policy = settings.redrivePolicy else { return false }
        return message.receiveCount >= policy.maxReceiveCount && policy.deadLetterQueueName != name
    }

    private func receiveStandard(max: Int, now: Int64, visibility: Int64,
                                 deadLetter: (StoredMessage) -> Void) -> [StoredMessage] {
        var taken: [StoredMessage] = []
        while taken.count < max, let entry = ready.popFirst() {
            guard let message = messages[entry.sequence], message.token == entry.token, message.visibleAt <= now else { continue }
            if exhausted(message) {
                remove(message, now: now)
                deadLetter(message)
                continue
            }
            markReceived(message, now: now, visibility: visibility, requeue: false)
            taken.append(message)
        }
        // A visibility timeout of 0 leaves them visible: back in line once, after this receive.
        if visibility == 0 {
            for message in taken { ready.append(Entry(sequence: message.sequence, token: message.token)) }
        }
        return taken
    }

    private func receiveFIFO(max: Int, now: Int64, visibility: Int64,
                             deadLetter: (StoredMessage) -> Void) -> [StoredMessage] {
        var taken: [StoredMessage] = []
        var visits = fifo.order.count
        while taken.count < max, visits > 0, let group = fifo.order.popFirst() {
            visits -= 1
            guard var messagesInGroup = fifo.groups.removeValue(forKey: group) else { continue }
            while let first = messagesInGroup.first, first.isDeleted { messagesInGroup.removeFirst() }
            guard !messagesInGroup.isEmpty else { continue }
            var index = messagesInGroup.startIndex
            while taken.count < max, index < messagesInGroup.endIndex {
                let message = messagesInGroup[index]
                index += 1
                if message.isDeleted { continue }
                if message.visibleAt > now { break }
                if exhausted(message) {
                    remove(message, now: now)
                    deadLetter(message)
                    continue
                }
                markReceived(message, now: now, visibility: visibility)
                taken.append(message)
            }
            while let first = messagesInGroup.first, first.isDeleted { messagesInGroup.removeFirst() }
            if !messagesInGroup.isEmpty {
                fifo.groups[group] = messagesInGroup
                fifo.order.append(group)
            }
        }
        return taken
    }
}
