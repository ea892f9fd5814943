import Foundation
import Logging
@testable import UnderstudyCore

/// Records with defaults for journal tests, and a scratch directory per test.
enum JournalFixtures {
    static func makeQueue(_ name: String, createdAt: Int64 = 1_700_000_000_000,
                          attributes: [String: String] = ["VisibilityTimeout": "30"],
                          tags: [String: String] = [:]) -> QueueRecord {
        QueueRecord(name: name, createdAt: createdAt, modifiedAt: createdAt, attributes: attributes, tags: tags)
    }

    static func makeMessage(_ sequence: UInt64, body: String? = nil,
                            attributes: [SQSStoredAttribute] = [], systemAttributes: [SQSStoredAttribute] = [],
                            groupID: String? = nil, deduplicationID: String? = nil, sequenceNumber: String? = nil,
                            receiveCount: Int = 0, visibleAt: Int64 = 1_700_000_000_000) -> MessageRecord {
        MessageRecord(sequence: sequence, messageID: "id-\(sequence)", body: body ?? "body \(sequence)",
                      attributes: attributes, systemAttributes: systemAttributes, sentAt: 1_700_000_000_000,
                      senderID: "AIDAEXAMPLE", groupID: groupID, deduplicationID: deduplicationID,
                      sequenceNumber: sequenceNumber, receiveCount: receiveCount,
                      firstReceivedAt: receiveCount > 0 ? 1_700_000_000_500 : 0, visibleAt: visibleAt, token: 0)
    }

    /// For tests that provoke the journal's warnings and errors on purpose.
    static var quietLogger: Logger {
        var logger = Logger(label: "understudy.sqs.test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `body` with a new empty directory, removed afterwards whatever happens.
    static func withDirectory<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        let directory = NSTemporaryDirectory() + "understudy-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }
}

extension SQSJournal {
    /// Appends `entries` and returns once they are durable.
    func appendDurably(_ entries: [JournalEntry]) async {
        let ticket = append(entries)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            whenDurable(ticket) { continuation.resume() }
        }
    }
}
