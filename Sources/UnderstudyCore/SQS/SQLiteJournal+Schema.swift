import Foundation
import GRDB

/// The journal's connection settings, its schema, and how each `JournalEntry` is written.
extension SQLiteJournal {
    /// WAL, so a commit is one append to the log; `durability` decides whether it is fsynced.
    static func configuration(_ durability: Durability) -> Configuration {
        var configuration = Configuration()
        configuration.label = "understudy.sqs.storage"
        configuration.prepareDatabase { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode?.lowercased() == "wal" else {
                throw DatabaseError(message: "cannot switch to WAL mode (journal_mode is \(mode ?? "unknown"))")
            }
            try db.execute(sql: "PRAGMA synchronous = \(durability.rawValue)")
            // A burst can grow the WAL file; after the checkpoint that follows, trim it to this.
            try db.execute(sql: "PRAGMA journal_size_limit = \(64 << 20)")
        }
        return configuration
    }

    /// Times are milliseconds since the epoch; attribute lists and maps are JSON text
    /// (`SQLiteJournal+Records.swift`). `sequence` is the rowid: messages load in send order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 queues and messages") { db in
            try db.execute(sql: """
                CREATE TABLE queues (
                    name TEXT PRIMARY KEY NOT NULL,
                    created_at INTEGER NOT NULL,
                    modified_at INTEGER NOT NULL,
                    attributes TEXT NOT NULL,
                    tags TEXT NOT NULL
                );
                CREATE TABLE messages (
                    sequence INTEGER PRIMARY KEY,
                    queue TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    body TEXT NOT NULL,
                    attributes TEXT NOT NULL,
                    system_attributes TEXT NOT NULL,
                    sent_at INTEGER NOT NULL,
                    sender_id TEXT NOT NULL,
                    group_id TEXT,
                    dedup_id TEXT,
                    sequence_number TEXT,
                    receive_count INTEGER NOT NULL,
                    first_received_at INTEGER NOT NULL,
                    visible_at INTEGER NOT NULL,
                    token INTEGER NOT NULL
                );
                CREATE INDEX messages_by_queue ON messages(queue);
                """)
        }
        return migrator
    }

    /// Applies `entries` in order inside the caller's transaction, with cached statements.
    static func apply(_ entries: [JournalEntry], to db: Database) throws {
        let coder = RecordCoder()
        for entry in entries {
            switch entry {
            case .putQueue(let queue):
                try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO queues (name, created_at, modified_at, attributes, tags)
                    VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [
                        queue.name, queue.createdAt, queue.modifiedAt,
                        try coder.encode(queue.attributes), try coder.encode(queue.tags),
                    ])
            case .deleteQueue(let name):
                try db.cachedStatement(sql: "DELETE FROM messages WHERE queue = ?").execute(arguments: [name])
                try db.cachedStatement(sql: "DELETE FROM queues WHERE name = ?").execute(arguments: [name])
            case .purgeQueue(let name):
                try db.cachedStatement(sql: "DELETE FROM messages WHERE queue = ?").execute(arguments: [name])
            case .putMessage(let queue, let message):
                try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO messages (sequence, queue, message_id, body, attributes,
                        system_attributes, sent_at, sender_id, group_id, dedup_id, sequence_number,
                        receive_count, first_received_at, visible_at, token)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                        Self.key(message.sequence), queue, message.messageID, message.body,
                        try coder.encode(message.attributes), try coder.encode(message.systemAttributes),
                        message.sentAt, message.senderID, message.groupID, message.deduplicationID,
                        message.sequenceNumber, message.receiveCount, message.firstReceivedAt,
                        message.visibleAt, Int64(message.token),
                    ])
            case .updateMessage(let sequence, let receiveCount, let firstReceivedAt, let visibleAt, let token):
                try db.cachedStatement(sql: """
                    UPDATE messages SET receive_count = ?, first_received_at = ?, visible_at = ?, token = ?
                    WHERE sequence = ?
                    """).execute(arguments: [receiveCount, firstReceivedAt, visibleAt, Int64(token), Self.key(sequence)])
            case .deleteMessage(let sequence):
                try db.cachedStatement(sql: "DELETE FROM messages WHERE sequence = ?").execute(arguments: [Self.key(sequence)])
            }
        }
    }

    /// A sequence as SQLite's signed 64-bit rowid (bit for bit: never traps, ordered below 2^63).
    static func key(_ sequence: UInt64) -> Int64 { Int64(bitPattern: sequence) }
}
