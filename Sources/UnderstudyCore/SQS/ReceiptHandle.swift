import Foundation

/// A receipt handle: names the queue, the message (store sequence and message id, so a
/// sequence reused after a restart cannot be mistaken for the old message) and the receive
/// (token) it came from, base64-encoded so clients treat it as opaque. Tampered or foreign
/// handles fail to decode (`ReceiptHandleIsInvalid`).
struct ReceiptHandle: Equatable {
    var queue: String
    var sequence: UInt64
    var token: UInt32
    var messageID: String

    var encoded: String {
        Data("us2:\(sequence):\(token):\(messageID):\(queue)".utf8).base64EncodedString()
    }

    init(queue: String, sequence: UInt64, token: UInt32, messageID: String) {
        self.queue = queue
        self.sequence = sequence
        self.token = token
        self.messageID = messageID
    }

    init?(_ text: String) {
        guard text.utf8.count <= 1024, let data = Data(base64Encoded: text),
              let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "us2", let sequence = UInt64(parts[1]), let token = UInt32(parts[2]) else {
            return nil
        }
        self.init(queue: String(parts[4]), sequence: sequence, token: token, messageID: String(parts[3]))
    }
}

extension ReceiptHandle {
    /// Whether this handle is the message's latest: a receive changes the token's high 16
    /// bits, a visibility change only its low 16 (stale timers need both), so the handle stays
    /// good for ChangeMessageVisibility and DeleteMessage after extending a timeout, as in SQS.
    func names(_ message: StoredMessage) -> Bool { token >> 16 == message.token >> 16 && messageID == message.messageID }
}
