import DequeModule
import Foundation

/// One message to send (SendMessage, or one SendMessageBatch entry), already parsed.
public struct SendRequest: Sendable {
    public var body: String
    public var delaySeconds: Int?
    public var attributes: [SQSStoredAttribute] = []
    public var systemAttributes: [SQSStoredAttribute] = []
    public var groupID: String?
    public var deduplicationID: String?
    public var senderID = "AIDAIT2UOQQY3AUEKVGXU"

    public init(body: String) { self.body = body }

    /// Bytes counted against MaximumMessageSize and the batch limit: body, attribute names,
    /// types and values (as SQS counts them).
    public var size: Int {
        StoredMessage.size(body: body, attributes: attributes.lazy.map(\.value), names: attributes.lazy.map(\.name))
    }
}

/// What a send answers: ids and digests (SDKs check the digests).
public struct SendOutcome: Sendable, Equatable {
    public var messageID: String
    public var bodyMD5: String
    public var attributesMD5: String?
    public var systemAttributesMD5: String?
    public var sequenceNumber: String?
}

/// A message as one receive handed it out.
struct ReceivedMessage {
    let message: StoredMessage
    let receiptHandle: String
    let receiveCount: Int
    let firstReceivedAt: Int64
}

/// Message-level actions: send, receive (or wait), delete, change visibility.
extension QueueStore {
    /// Sends each request in turn (a batch is all-or-per-entry: each entry succeeds or fails
    /// on its own, as SendMessageBatch does). Wakes one waiting receive per message stored:
    /// for a visible one it receives it; for a delayed one it re-arms its timer for the
    /// delay's end (its timer was armed before the message existed).
    public func send(_ requests: [SendRequest], to name: String) throws(SQSError)
        -> (outcomes: [Result<SendOutcome, SQSError>], ticket: UInt64?) {
        let ((outcomes, wake), ticket) = try withState { (state, now, changes) throws(SQSError) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            advance(queue, state: &state, now: now, changes: &changes)   // expired messages free the caps
            var outcomes: [Result<SendOutcome, SQSError>] = []
            var stored = 0
            for request in requests {
                do throws(SQSError) {
                    let (outcome, isNew) = try send(request, to: queue, state: &state, now: now, changes: &changes)
                    outcomes.append(.success(outcome))
                    if isNew { stored += 1 }
                } catch {
                    outcomes.append(.failure(error))
                }
            }
            return (outcomes, Self.takeWaiters(stored, for: name, from: &state))
        }
        for waiter in wake { waiter.fire() }
        return (outcomes, ticket)
    }

    private func send(_ request: SendRequest, to queue: SQSQueue, state: inout State, now: Int64,
                      changes: inout [JournalEntry]) throws(SQSError) -> (SendOutcome, isNew: Bool) {
        let settings = queue.settings
        let attributes = request.attributes.map { (name: $0.name, value: $0.value) }
        let system = request.systemAttributes.map { (name: $0.name, value: $0.value) }
        let size = request.size
        guard size <= settings.maximumMessageSize else {
            throw .invalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter than \(settings.maximumMessageSize) bytes.")
        }
        if let delay = request.delaySeconds, queue.isFIFO {
            throw .invalidParameterValue("Value \(delay) for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
        }
        var deduplicationID = request.deduplicationID
        if queue.isFIFO {
            guard request.groupID != nil else { throw .missingParameter("MessageGroupId") }
            if deduplicationID == nil {
                guard settings.contentBasedDeduplication else {
                    throw .invalidParameterValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
                }
                deduplicationID = Self.sha256Hex(request.body)
            }
        } else if request.deduplicationID != nil {
            throw .invalidParameterValue("Value \(request.deduplicationID!) for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.")
        }
        let attributesMD5 = SQSDigest.ofAttributes(attributes)
        let systemMD5 = SQSDigest.ofAttributes(system)
        var dedupKey: String?
        if queue.isFIFO, let deduplicationID {
            let key = settings.deduplicationScope == "messageGroup" ? (request.groupID ?? "") + "\u{0}" + deduplicationID : deduplicationID
            if let earlier = queue.fifo.duplicate(of: key, now: now) {
                return (SendOutcome(messageID: earlier.messageID, bodyMD5: SQSDigest.ofBody(request.body),
                                    attributesMD5: attributesMD5, systemAttributesMD5: systemMD5,
                                    sequenceNumber: earlier.sequenceNumber), false)
            }
            dedupKey = key
        }
        if limits.maxMessages > 0 && state.totalMessages >= limits.maxMessages {
            throw .overLimit("sqs.max_messages (\(limits.maxMessages)) reached: delete or purge messages first.")
        }
        if limits.maxBytes > 0 && state.totalBytes + size > limits.maxBytes {
            throw .overLimit("sqs.max_bytes (\(limits.maxBytes) bytes) reached: delete or purge messages first.")
        }
        let delay = Int64(request.delaySeconds ?? settings.delaySeconds) * 1000
        let sequenceNumber = queue.isFIFO ? queue.fifo.takeSequenceNumber() : nil
        let message = StoredMessage(
            sequence: state.nextSequence, messageID: state.messageIDs.next(), body: request.body,
            bodyMD5: SQSDigest.ofBody(request.body), attributes: attributes, attributesMD5: attributesMD5,
            systemAttributes: system, systemAttributesMD5: systemMD5, sentAt: now, senderID: request.senderID,
            groupID: request.groupID, deduplicationID: deduplicationID, sequenceNumber: sequenceNumber, visibleAt: now + delay)
        state.nextSequence += 1
        queue.insert(message, now: now)
        state.totalMessages += 1
        state.totalBytes += message.size
        state.counters[queue.name, default: QueueCounters()].sent += 1
        if let dedupKey, let sequenceNumber { queue.fifo.remember(dedupKey, messageID: message.messageID, sequenceNumber: sequenceNumber, now: now) }
        if journal != nil { changes.append(.putMessage(queue: queue.name, message.record())) }
        return (SendOutcome(messageID: message.messageID, bodyMD5: message.bodyMD5, attributesMD5: attributesMD5,
                            systemAttributesMD5: systemMD5, sequenceNumber: sequenceNumber), true)
    }

    /// ReceiveMessage: up to `max` messages, hidden for `visibility` seconds (the queue's
    /// default when nil). With none to give and a `waiter`, the waiter is registered in the
    /// same critical section, so a send that follows cannot be missed.
    func receive(from name: String, max: Int, visibility: Int?, waiter: ReceiveWaiter? = nil) throws(SQSError)
        -> (messages: [ReceivedMessage], ticket: UInt64?, nextVisibleAt: Int64?) {
        let (result, ticket) = try withState { (state, now, changes) throws(SQSError) -> ([ReceivedMessage], Int64?) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            let seconds = Int64(visibility ?? queue.settings.visibilityTimeout)
            advance(queue, state: &state, now: now, changes: &changes)
            var moved: [StoredMessage] = []
            let taken = queue.receive(max: max, now: now, visibility: seconds * 1000) { moved.append($0) }
            for message in moved { moveToDeadLetterQueue(message, from: queue, state: &state, now: now, changes: &changes) }
            if taken.isEmpty, let waiter {
                Self.register(waiter, for: name, in: &state)
            }
            state.counters[name, default: QueueCounters()].received += taken.count
            let received = taken.map { message in
                if journal != nil { changes.append(message.receiveState) }
                return ReceivedMessage(message: message,
                                       receiptHandle: ReceiptHandle(queue: name, sequence: message.sequence, token: message.token,
                                                                              messageID: message.messageID).encoded,
                                       receiveCount: message.receiveCount, firstReceivedAt: message.firstReceivedAt)
            }
            return (received, queue.nextVisibleAt)
        }
        return (result.0, ticket, result.1)
    }

    private func moveToDeadLetterQueue(_ message: StoredMessage, from source: SQSQueue, state: inout State, now: Int64,
                                       changes: inout [JournalEntry]) {
        state.totalMessages -= 1
        state.totalBytes -= message.size
        guard let target = source.settings.redrivePolicy.flatMap({ state.queues[$0.deadLetterQueueName] }) else {
            if journal != nil { changes.append(.deleteMessage(sequence: message.sequence)) }
            return
        }
        let moved = StoredMessage(
            sequence: message.sequence, messageID: message.messageID, body: message.body, bodyMD5: message.bodyMD5,
            attributes: message.attributes, attributesMD5: message.attributesMD5, systemAttributes: message.systemAttributes,
            systemAttributesMD5: message.systemAttributesMD5, sentAt: message.sentAt, senderID: message.senderID,
            groupID: message.groupID, deduplicationID: message.deduplicationID, sequenceNumber: message.sequenceNumber,
            visibleAt: now)
        target.insert(moved, now: now, bySentTime: true)
        state.totalMessages += 1
        state.totalBytes += moved.size
        state.counters[target.name, default: QueueCounters()].sent += 1
        if journal != nil { changes.append(.putMessage(queue: target.name, moved.record())) }
        for waiter in Self.takeWaiters(1, for: target.name, from: &state) { waiter.fire() }
    }

    /// DeleteMessage for each handle. A handle from an earlier receive of a message that was
    /// received again since succeeds without deleting (AWS: "you must provide the most
    /// recently received receipt handle"); a message already gone succeeds quietly.
    public func delete(_ handles: [String], from name: String) throws(SQSError) -> (outcomes: [SQSError?], ticket: UInt64?) {
        try withState { (state, now, changes) throws(SQSError) -> [SQSError?] in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            advance(queue, state: &state, now: now, changes: &changes)   // a timeout that ended counts the message visible
            return handles.map { text -> SQSError? in
                guard let handle = ReceiptHandle(text), handle.queue == name else { return .receiptHandleIsInvalid(text) }
                guard let message = queue.messages[handle.sequence], handle.names(message) else { return nil }
                queue.remove(message, now: now)
                state.totalMessages -= 1
                state.totalBytes -= message.size
                state.counters[name, default: QueueCounters()].deleted += 1
                if journal != nil { changes.append(.deleteMessage(sequence: message.sequence)) }
                return nil
            }
        }
    }

    /// ChangeMessageVisibility for each (handle, seconds): only a message in flight, named
    /// by its latest receipt handle, can change (`MessageNotInflight` otherwise).
    public func changeVisibility(_ changesWanted: [(handle: String, seconds: Int)], in name: String) throws(SQSError)
        -> (outcomes: [SQSError?], ticket: UInt64?) {
        let ((outcomes, wake), ticket) = try withState { (state, now, changes) throws(SQSError) in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            advance(queue, state: &state, now: now, changes: &changes)
            var visible = 0
            let outcomes = changesWanted.map { wanted -> SQSError? in
                guard let handle = ReceiptHandle(wanted.handle), handle.queue == name else { return .receiptHandleIsInvalid(wanted.handle) }
                guard let message = queue.messages[handle.sequence], handle.names(message),
                      message.isInFlight(at: now) else { return .messageNotInflight() }
                // AWS: a message's visibility can be extended to at most 12 hours from its receive.
                if message.receivedAt > 0, now + Int64(wanted.seconds) * 1000 - message.receivedAt > 43_200_000 {
                    return .invalidParameterValue("Value \(wanted.seconds) for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
                }
                queue.changeVisibility(message, now: now, visibility: Int64(wanted.seconds) * 1000)
                if wanted.seconds == 0 { visible += 1 }
                if journal != nil { changes.append(message.receiveState) }
                return nil
            }
            return (outcomes, Self.takeWaiters(visible, for: name, from: &state))
        }
        for waiter in wake { waiter.fire() }
        return (outcomes, ticket)
    }

    /// Adds a waiting long poll. Waiters that ended without a message (their timer claimed
    /// them) are dropped whenever the list has doubled since the last sweep, so idle queues
    /// polled forever keep a bounded list (amortised O(1) a registration).
    static func register(_ waiter: ReceiveWaiter, for name: String, in state: inout State) {
        var waiting = state.waiters.removeValue(forKey: name) ?? []
        waiting.append(waiter)
        let limit = state.waiterSweepAt[name] ?? 32
        if waiting.count >= limit {
            waiting = Deque(waiting.filter { !$0.isClaimed })
            state.waiterSweepAt[name] = max(32, 2 * waiting.count)
        }
        state.waiters[name] = waiting
    }

    /// Removes up to `count` live waiters of a queue, to be woken outside the lock.
    static func takeWaiters(_ count: Int, for name: String, from state: inout State) -> [ReceiveWaiter] {
        guard count > 0, var waiting = state.waiters[name], !waiting.isEmpty else { return [] }
        var taken: [ReceiveWaiter] = []
        while taken.count < count, let waiter = waiting.popFirst() {
            if waiter.claim() { taken.append(waiter) }
        }
        state.waiters[name] = waiting.isEmpty ? nil : waiting
        return taken
    }

    static func sha256Hex(_ text: String) -> String {
        CryptoHash.hex(CryptoHash.sha256(Array(text.utf8)))
    }
}
