import Foundation
import GRDB
import Testing
import UnderstudyNet
@testable import UnderstudyCore

/// The SQLite journal: every entry kind survives close and reopen, order holds under
/// concurrent appends, callbacks fire once durable, and failures neither crash nor hang.
@Suite struct SQLiteJournalTests {
    typealias F = JournalFixtures

    @Test func everyEntryKindRoundTrips() async throws {
        try await F.withDirectory { directory in
            let path = directory + "/sqs.db"
            let binary: [UInt8] = [0, 1, 2, 0xFF, 0x80]
            var listValue = MessageAttributeValue(dataType: "String.list")
            listValue.stringListValues = ["a", "b"]
            listValue.binaryListValues = [[1, 2], []]
            let attributes = [
                SQSStoredAttribute(name: "Text", value: MessageAttributeValue(dataType: "String", stringValue: "héllo \"quoted\"\n")),
                SQSStoredAttribute(name: "Count", value: MessageAttributeValue(dataType: "Number.int", stringValue: "42")),
                SQSStoredAttribute(name: "Blob", value: MessageAttributeValue(dataType: "Binary", binaryValue: binary)),
                SQSStoredAttribute(name: "List", value: listValue),
            ]
            let trace = [SQSStoredAttribute(name: "AWSTraceHeader", value: MessageAttributeValue(dataType: "String", stringValue: "Root=1-abc"))]
            var orders = F.makeQueue("orders", tags: ["team": "blue", "env": "test"])
            let fifo = F.makeQueue("jobs.fifo", createdAt: 1_700_000_000_001, attributes: ["FifoQueue": "true"])
            let rich = F.makeMessage(1, body: "{\"emoji\":\"🎉\"}", attributes: attributes, systemAttributes: trace)
            let grouped = F.makeMessage(2, groupID: "g1", deduplicationID: "d1", sequenceNumber: "18889000000000000002")

            let journal = try SQLiteJournal(path: path)
            _ = journal.append([.putQueue(orders), .putQueue(fifo), .putQueue(F.makeQueue("doomed")), .putQueue(F.makeQueue("purged"))])
            _ = journal.append([.putMessage(queue: "orders", rich), .putMessage(queue: "jobs.fifo", grouped)])
            _ = journal.append((3...6).map { .putMessage(queue: "orders", F.makeMessage($0)) })
            _ = journal.append([.putMessage(queue: "doomed", F.makeMessage(7)), .putMessage(queue: "purged", F.makeMessage(8))])
            _ = journal.append([.updateMessage(sequence: 3, receiveCount: 2, firstReceivedAt: 1_700_000_000_100,
                                               visibleAt: 1_700_000_030_000, token: 7)])
            _ = journal.append([.deleteMessage(sequence: 4)])
            var moved = F.makeMessage(5, receiveCount: 3)   // to a dead-letter queue: same sequence
            moved.token = 9
            _ = journal.append([.putMessage(queue: "jobs.fifo", moved)])
            _ = journal.append([.deleteQueue(name: "doomed"), .purgeQueue(name: "purged")])
            orders.attributes["VisibilityTimeout"] = "60"
            orders.modifiedAt += 5
            await journal.appendDurably([.putQueue(orders)])
            journal.close()

            let reopened = try SQLiteJournal(path: path)
            defer { reopened.close() }
            let snapshot = try reopened.load()
            #expect(snapshot.queues == [orders, F.makeQueue("purged"), fifo])   // by creation, then name
            var updated = F.makeMessage(3)
            updated.receiveCount = 2
            updated.firstReceivedAt = 1_700_000_000_100
            updated.visibleAt = 1_700_000_030_000
            updated.token = 7
            #expect(snapshot.messages.map(\.queue) == ["orders", "jobs.fifo", "orders", "jobs.fifo", "orders"])
            #expect(snapshot.messages.map(\.record) == [rich, grouped, updated, moved, F.makeMessage(6)])
        }
    }

    /// 8 threads × 2,000 sends, then each thread deletes its even sequences and receives its
    /// odd ones twice: a delete or update that overtook its send would leave a wrong row.
    @Test func concurrentAppendsKeepEachThreadsOrder() async throws {
        try await F.withDirectory { directory in
            let path = directory + "/sqs.db"
            let journal = try SQLiteJournal(path: path)
            await journal.appendDurably([.putQueue(F.makeQueue("q"))])
            let threads = 8, perThread = 2_000
            let lastTicket = Locked<UInt64>(0)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let group = DispatchGroup()
                for thread in 0..<threads {
                    group.enter()
                    Thread.detachNewThread {
                        let sequences = (0..<perThread).map { UInt64(thread * perThread + $0 + 1) }
                        var ticket: UInt64 = 0
                        for sequence in sequences {
                            ticket = journal.append([.putMessage(queue: "q", F.makeMessage(sequence))])
                        }
                        for sequence in sequences {
                            if sequence % 2 == 0 {
                                ticket = journal.append([.deleteMessage(sequence: sequence)])
                            } else {
                                for count in 1...2 {
                                    ticket = journal.append([.updateMessage(sequence: sequence, receiveCount: count,
                                                                            firstReceivedAt: 1, visibleAt: 2, token: UInt32(count))])
                                }
                            }
                        }
                        lastTicket.withLock { $0 = max($0, ticket) }
                        group.leave()
                    }
                }
                group.notify(queue: .global()) { continuation.resume() }
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                journal.whenDurable(lastTicket.withLock { $0 }) { continuation.resume() }
            }
            let statistics = journal.statistics
            journal.close()

            let snapshot = try SQLiteJournal(path: path).load()
            let expected = (1...UInt64(threads * perThread)).filter { $0 % 2 == 1 }
            #expect(snapshot.messages.map(\.record.sequence) == expected)
            #expect(snapshot.messages.allSatisfy { $0.record.receiveCount == 2 && $0.record.token == 2 })
            #expect(statistics.entriesWritten == 1 + threads * perThread * 5 / 2)
            #expect(statistics.transactions < statistics.entriesWritten)   // grouped
        }
    }

    @Test func whenDurableRunsAtOnceForADurableTicket() async throws {
        try await F.withDirectory { directory in
            let journal = try SQLiteJournal(path: directory + "/sqs.db")
            defer { journal.close() }
            let ticket = journal.append([.putQueue(F.makeQueue("q"))])
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                journal.whenDurable(ticket) { continuation.resume() }
            }
            let ran = Locked<[UInt64]>([])
            journal.whenDurable(ticket) { ran.withLock { $0.append(ticket) } }
            journal.whenDurable(0) { ran.withLock { $0.append(0) } }
            #expect(ran.withLock { $0 } == [ticket, 0])   // both before whenDurable returned
        }
    }

    @Test func closeWritesWhatIsQueuedAndLaterAppendsAreRefused() async throws {
        try await F.withDirectory { directory in
            let path = directory + "/sqs.db"
            let journal = try SQLiteJournal(path: path, logger: F.quietLogger)
            let ticket = journal.append([.putQueue(F.makeQueue("q"))] + (1...500).map { .putMessage(queue: "q", F.makeMessage($0)) })
            let fired = Locked(false)
            journal.whenDurable(ticket) { fired.withLock { $0 = true } }
            journal.close()
            #expect(fired.withLock { $0 })
            #expect(journal.append([.deleteQueue(name: "q")]) == 0)
            journal.close()
            #expect(try SQLiteJournal(path: path).load().messages.count == 500)
        }
    }

    @Test func openErrorsNameThePathAndSQLitesReason() async throws {
        try await F.withDirectory { directory in
            let missing = directory + "/no/such/dir/sqs.db"
            #expect(throws: SQSStorageError.cannotOpen(path: missing, reason: "unable to open database file")) {
                try SQLiteJournal(path: missing)
            }
            #expect(SQSStorageError.cannotOpen(path: "/x/y.db", reason: "unable to open database file").description
                    == "sqs.storage: cannot open /x/y.db: unable to open database file")
            let garbage = directory + "/garbage.db"
            try Data(repeating: 0x41, count: 8_192).write(to: URL(fileURLWithPath: garbage))
            #expect(throws: SQSStorageError.cannotOpen(path: garbage, reason: "file is not a database")) {
                try SQLiteJournal(path: garbage)
            }
        }
    }

    /// A full disk (here `max_page_count`) holds the callback while writes are retried; once
    /// space frees up the batch lands.
    @Test func aFailedWriteIsRetriedUntilItLands() async throws {
        try await F.withDirectory { directory in
            let path = directory + "/sqs.db"
            let journal = try SQLiteJournal(path: path, durability: .normal,
                                            // Retries for as long as the test needs (under TSan, seconds): it lifts the limit.
                                            retry: .init(attempts: 1_000_000, delay: .milliseconds(10)), logger: F.quietLogger)
            await journal.appendDurably([.putQueue(F.makeQueue("q"))])
            try Self.limitPages(journal, to: 0)
            let ticket = journal.append([.putMessage(queue: "q", F.makeMessage(1, body: String(repeating: "x", count: 200_000)))])
            while journal.statistics.failedWrites == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try Self.limitPages(journal, to: 1_000_000)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                journal.whenDurable(ticket) { continuation.resume() }
            }
            #expect(journal.statistics.entriesDropped == 0)
            journal.close()
            #expect(try SQLiteJournal(path: path).load().messages.map(\.record.sequence) == [1])
        }
    }

    /// After the last attempt the batch is dropped: its callback runs, later batches land.
    @Test func aBatchThatKeepsFailingIsDroppedAndTheJournalGoesOn() async throws {
        try await F.withDirectory { directory in
            let path = directory + "/sqs.db"
            let journal = try SQLiteJournal(path: path, durability: .normal,
                                            retry: .init(attempts: 3, delay: .milliseconds(1)), logger: F.quietLogger)
            await journal.appendDurably([.putQueue(F.makeQueue("q"))])
            try Self.limitPages(journal, to: 0)
            await journal.appendDurably([.putMessage(queue: "q", F.makeMessage(1, body: String(repeating: "x", count: 200_000)))])
            #expect(journal.statistics.failedWrites == 3)
            #expect(journal.statistics.entriesDropped == 1)
            await journal.appendDurably([.putMessage(queue: "q", F.makeMessage(2))])
            journal.close()
            #expect(try SQLiteJournal(path: path).load().messages.map(\.record.sequence) == [2])
        }
    }

    /// Caps the file at its current size plus `extra` pages (`max_page_count` never shrinks it).
    private static func limitPages(_ journal: SQLiteJournal, to extra: Int) throws {
        try journal.database.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + extra)")
        }
    }
}
