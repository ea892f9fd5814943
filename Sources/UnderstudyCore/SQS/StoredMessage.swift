/// One message in a queue: what was sent, with its digests computed once, and its receive
/// state. Times are milliseconds since the epoch on the store's clock. Owned by its queue,
/// touched only under the store's lock.
final class StoredMessage {
    /// Store-wide, increasing: the order messages were sent, and the storage key.
    let sequence: UInt64
    let messageID: String
    let body: String
    let bodyMD5: String
    let attributes: MessageAttributes
    let attributesMD5: String?
    let systemAttributes: MessageAttributes
    let systemAttributesMD5: String?
    let sentAt: Int64
    let senderID: String
    let groupID: String?
    let deduplicationID: String?
    /// FIFO's 128-bit-looking SequenceNumber, as text.
    let sequenceNumber: String?
    var receiveCount = 0
    var firstReceivedAt: Int64 = 0
    /// When the current receive happened (0: not since this process started); the 12-hour
    /// visibility limit counts from it.
    var receivedAt: Int64 = 0
    /// Receivable from this time on (after a delay, or when a visibility timeout ends).
    var visibleAt: Int64
    /// Bumped on every receive and visibility change: a receipt handle names one token, and
    /// timer entries carrying an older token are stale.
    var token: UInt32 = 0
    var isDeleted = false

    init(sequence: UInt64, messageID: String, body: String, bodyMD5: String, attributes: MessageAttributes,
         attributesMD5: String?, systemAttributes: MessageAttributes, systemAttributesMD5: String?, sentAt: Int64,
         senderID: String, groupID: String?, deduplicationID: String?, sequenceNumber: String?, visibleAt: Int64) {
        self.sequence = sequence
        self.messageID = messageID
        self.body = body
        self.bodyMD5 = bodyMD5
        self.attributes = attributes
        self.attributesMD5 = attributesMD5
        self.systemAttributes = systemAttributes
        self.systemAttributesMD5 = systemAttributesMD5
        self.sentAt = sentAt
        self.senderID = senderID
        self.groupID = groupID
        self.deduplicationID = deduplicationID
        self.sequenceNumber = sequenceNumber
        self.visibleAt = visibleAt
    }

    /// Received at least once and its visibility timeout has not ended.
    func isInFlight(at now: Int64) -> Bool { receiveCount > 0 && visibleAt > now }

    /// Bytes counted against `sqs.max_bytes`: body plus attribute names and values.
    var size: Int { Self.size(body: body, attributes: attributes.lazy.map(\.value), names: attributes.lazy.map(\.name)) }

    /// Bytes as SQS counts them against MaximumMessageSize: body, attribute names, types and values.
    static func size(body: String, attributes: some Sequence<MessageAttributeValue>, names: some Sequence<String>) -> Int {
        body.utf8.count + names.reduce(0) { $0 + $1.utf8.count } + attributes.reduce(0) { total, value in
            total + value.dataType.utf8.count + (value.stringValue?.utf8.count ?? 0) + (value.binaryValue?.count ?? 0)
        }
    }
}
