import Foundation

/// A receipt handle: names the queue, the message's store sequence and the receive (token)
/// it came from, base64-encoded so clients treat it as opaque. Tampered or foreign handles
/// fail to decode (`ReceiptHandleIsInvalid`).
struct ReceiptHandle: Equatable {
    var queue: String
    var sequence: UInt64
    var token: UInt32

    var encoded: String {
        Data("us1:\(sequence):\(token):\(queue)".utf8).base64EncodedString()
    }

    init(queue: String, sequence: UInt64, token: UInt32) {
        self.queue = queue
        self.sequence = sequence
        self.token = token
    }

    init?(_ text: String) {
        guard text.utf8.count <= 1024, let data = Data(base64Encoded: text),
              let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "us1", let sequence = UInt64(parts[1]), let token = UInt32(parts[2]) else {
            return nil
        }
        self.init(queue: String(parts[3]), sequence: sequence, token: token)
    }
}

extension ReceiptHandle {
    /// Whether this handle is the message's latest: a receive changes the token's high 16
    /// bits, a visibility change only its low 16 (stale timers need both), so the handle stays
    /// good for ChangeMessageVisibility and DeleteMessage after extending a timeout, as in SQS.
    func names(_ message: StoredMessage) -> Bool { token >> 16 == message.token >> 16 }
}
