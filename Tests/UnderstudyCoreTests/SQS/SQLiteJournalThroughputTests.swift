import Foundation
import Testing
import UnderstudyNet
@testable import UnderstudyCore

/// How fast group commit stores putMessage entries, with each durability: a measurement
/// printed for the record, not an assertion (the figures depend on the disk and the build).
@Suite(.serialized) struct SQLiteJournalThroughputTests {
    /// One thread appends as fast as it can, then waits for the last ticket.
    @Test(arguments: [SQLiteJournal.Durability.normal, .full])
    func burst(_ durability: SQLiteJournal.Durability) async throws {
        try await JournalFixtures.withDirectory { directory in
            let journal = try SQLiteJournal(path: directory + "/sqs.db", durability: durability)
            defer { journal.close() }
            await journal.appendDurably([.putQueue(JournalFixtures.makeQueue("q"))])
            let count = 30_000
            let messages = (1...UInt64(count)).map { JournalEntry.putMessage(queue: "q", JournalFixtures.makeMessage($0)) }
            let before = journal.statistics
            let start = ContinuousClock.now
            var ticket: UInt64 = 0
            for message in messages { ticket = journal.append([message]) }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                journal.whenDurable(ticket) { continuation.resume() }
            }
            Self.report("burst", durability, count: count, elapsed: ContinuousClock.now - start,
                        transactions: journal.statistics.transactions - before.transactions)
        }
    }

    /// 64 writers each append one message and wait until it is durable before the next, as
    /// SendMessage requests do: what a commit costs shows in transactions per second.
    @Test(arguments: [SQLiteJournal.Durability.normal, .full])
    func requestLike(_ durability: SQLiteJournal.Durability) async throws {
        try await JournalFixtures.withDirectory { directory in
            let journal = try SQLiteJournal(path: directory + "/sqs.db", durability: durability)
            defer { journal.close() }
            await journal.appendDurably([.putQueue(JournalFixtures.makeQueue("q"))])
            let writers = 64, perWriter = 200
            let before = journal.statistics
            let start = ContinuousClock.now
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let finished = DispatchGroup()
                for writer in 0..<writers {
                    finished.enter()
                    Thread.detachNewThread {
                        let durable = DispatchSemaphore(value: 0)
                        for index in 0..<perWriter {
                            let sequence = UInt64(writer * perWriter + index + 1)
                            let ticket = journal.append([.putMessage(queue: "q", JournalFixtures.makeMessage(sequence))])
                            journal.whenDurable(ticket) { durable.signal() }
                            durable.wait()
                        }
                        finished.leave()
                    }
                }
                finished.notify(queue: .global()) { continuation.resume() }
            }
            Self.report("64 writers", durability, count: writers * perWriter, elapsed: ContinuousClock.now - start,
                        transactions: journal.statistics.transactions - before.transactions)
        }
    }

    private static func report(_ pattern: String, _ durability: SQLiteJournal.Durability, count: Int,
                               elapsed: Duration, transactions: Int) {
        let seconds = elapsed.seconds
        let line = String(format: "journal throughput (%@, synchronous=%@): %d putMessage in %.2f s = %.0f entries/s, "
                            + "%d transactions = %.0f transactions/s (%.1f entries each)",
                          pattern, durability.rawValue, count, seconds, Double(count) / seconds,
                          transactions, Double(transactions) / seconds, Double(count) / Double(max(transactions, 1)))
        print(line)
    }
}
