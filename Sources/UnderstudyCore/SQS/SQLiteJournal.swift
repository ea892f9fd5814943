import Dispatch
import Foundation
import GRDB
import Logging
import UnderstudyNet

/// The SQS journal in one SQLite file (`sqs.storage: sqlite:PATH`), written by group commit:
/// `append` only queues entries under a small lock and returns a ticket; one writer queue
/// (never an event loop) takes everything queued so far, writes it in one transaction, then
/// runs the `whenDurable` callbacks it satisfied. The journal owns its queue of pending entries,
/// its callbacks and the database connection.
///
/// Durability: WAL with `synchronous=NORMAL`. A commit is in the WAL file before its callbacks
/// run, so it survives the process being killed (`kill -9`, a crash, the OOM killer): the
/// requirement ("a restart loses no acknowledged message"). An OS crash or power loss can
/// roll back the transactions committed since the last checkpoint (the WAL is fsynced only
/// then), never corrupting the file; `.full` fsyncs every commit and closes that gap. Measured
/// (SQLiteJournalThroughputTests, release, this repo's 2-core CI machine): FULL adds one fsync,
/// about 1.2 ms, to every group commit; 64 writers that each wait for their message got
/// 10–20% fewer entries/s, and every acknowledgement waits that much longer, more on slower
/// disks. NORMAL keeps answers independent of the disk's fsync latency, so it is the default.
///
/// A write that fails (disk full, I/O error) is retried every `retry.delay` up to
/// `retry.attempts` times with its callbacks held; after that the batch is dropped, an error
/// is logged, and its callbacks run anyway: the server stays up and answers, its memory stays
/// right, and only the disk copy misses those changes (later batches are written as usual).
public final class SQLiteJournal: SQSJournal {
    /// How hard a commit pushes to the disk (SQLite's `PRAGMA synchronous`).
    enum Durability: String, Sendable {
        /// Survives `kill -9`; an OS crash can lose the commits since the last checkpoint.
        case normal = "NORMAL"
        /// Survives an OS crash too: one fsync per commit.
        case full = "FULL"
    }

    /// How often a failed write is tried before its batch is dropped.
    struct RetryPolicy: Sendable {
        var attempts = 10
        var delay = Duration.milliseconds(100)
    }

    /// Pending entries, tickets and callbacks; guarded by `state`.
    private struct State {
        var pending: [JournalEntry] = []
        /// An emptied buffer kept for the next round, so appends reuse its capacity.
        var spare: [JournalEntry] = []
        var lastTicket: UInt64 = 0
        var durableTicket: UInt64 = 0
        var waiters: [(ticket: UInt64, done: @Sendable () -> Void)] = []
        var isDraining = false
        var isClosed = false
        var statistics = Statistics()
    }

    /// Counters for tests and diagnostics.
    struct Statistics: Sendable, Equatable {
        var transactions = 0
        var entriesWritten = 0
        var failedWrites = 0
        var entriesDropped = 0
    }

    /// The database file, as given (named in every error and log line).
    public let path: String
    let database: DatabaseQueue
    private let state = Locked(State())
    private let writer = DispatchQueue(label: "understudy.sqs.journal", qos: .userInitiated)
    private static let onWriter = DispatchSpecificKey<Bool>()
    private let retry: RetryPolicy
    private let logger: Logger

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public convenience init(path: String, logger: Logger = Logger(label: "understudy.sqs")) throws(SQSStorageError) {
        try self.init(path: path, durability: .normal, retry: RetryPolicy(), logger: logger)
    }

    init(path: String, durability: Durability, retry: RetryPolicy = RetryPolicy(),
         logger: Logger = Logger(label: "understudy.sqs")) throws(SQSStorageError) {
        self.path = path
        self.retry = retry
        self.logger = logger
        do {
            database = try DatabaseQueue(path: path, configuration: Self.configuration(durability))
            try Self.migrator.migrate(database)
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
        writer.setSpecific(key: Self.onWriter, value: true)
    }

    // MARK: SQSJournal

    /// Queues `entries` for the next transaction. After `close` nothing is stored: the entries
    /// are dropped with an error logged, and the ticket is 0 (already "durable").
    public func append(_ entries: [JournalEntry]) -> UInt64 {
        let (ticket, startsDrain) = state.withLock { state -> (UInt64, Bool) in
            guard !state.isClosed else { return (0, false) }
            state.lastTicket += 1
            state.pending.append(contentsOf: entries)
            defer { state.isDraining = true }
            return (state.lastTicket, !state.isDraining)
        }
        if ticket == 0 {
            logger.error("sqs.storage: \(entries.count) changes after close were not stored", metadata: ["path": "\(path)"])
        }
        if startsDrain { writer.async { self.drain() } }
        return ticket
    }

    /// `done` runs at once if `ticket` is already durable, else on the writer queue right
    /// after the commit: keep it short (hand the answer to its event loop), it delays the next.
    public func whenDurable(_ ticket: UInt64, _ done: @escaping @Sendable () -> Void) {
        let isDurable = state.withLock { state in
            if ticket <= state.durableTicket { return true }
            state.waiters.append((ticket, done))
            return false
        }
        if isDurable { done() }
    }

    /// Reads on the caller's thread; meant for start-up, before the first append.
    public func load() throws(SQSStorageError) -> SQSSnapshot {
        let path = self.path
        do {
            return try database.read { db in try Self.readSnapshot(db, path: path) }
        } catch let error as SQSStorageError {
            throw error
        } catch {
            throw .cannotLoad(path: path, reason: Self.reason(error))
        }
    }

    /// Writes what is queued, runs its callbacks, and closes the database. Idempotent. Safe to
    /// call from a `whenDurable` callback (it then writes on the spot).
    public func close() {
        let wasOpen = state.withLock { state in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        guard wasOpen else { return }
        if DispatchQueue.getSpecific(key: Self.onWriter) == true {
            drain()
        } else {
            writer.sync { drain() }   // after any drain already queued: the queue is serial
        }
        do {
            try database.close()
        } catch {
            logger.error("sqs.storage: closing failed: \(Self.reason(error))", metadata: ["path": "\(path)"])
        }
    }

    /// Commits, failures and drops so far.
    var statistics: Statistics { state.withLock { $0.statistics } }

    // MARK: Writer

    /// Runs on `writer`: commits rounds until nothing is pending, each round everything
    /// appended while the previous one was written.
    private func drain() {
        while true {
            let round = state.withLock { state -> (batch: [JournalEntry], ticket: UInt64)? in
                guard state.lastTicket > state.durableTicket else {
                    state.isDraining = false
                    return nil
                }
                let batch = state.pending
                state.pending = state.spare
                state.spare = []
                return (batch, state.lastTicket)
            }
            guard var round else { return }
            commit(round.batch)
            round.batch.removeAll(keepingCapacity: true)
            let ready = state.withLock { state in
                state.spare = round.batch
                state.durableTicket = round.ticket
                let (ready, waiting) = state.waiters.partitioned { $0.ticket <= round.ticket }
                state.waiters = waiting
                return ready
            }
            for waiter in ready { waiter.done() }
        }
    }

    /// Writes `batch` in one transaction, retrying per `retry`; drops it after the last attempt.
    /// Logs the first failure, the recovery or the drop; the attempts between at debug level.
    private func commit(_ batch: [JournalEntry]) {
        guard !batch.isEmpty else { return }
        let attempts = max(1, retry.attempts)
        for attempt in 1...attempts {
            do {
                try database.write { db in try Self.apply(batch, to: db) }
                state.withLock {
                    $0.statistics.transactions += 1
                    $0.statistics.entriesWritten += batch.count
                }
                if attempt > 1 {
                    logger.notice("sqs.storage: write succeeded on attempt \(attempt)", metadata: ["path": "\(path)"])
                }
                return
            } catch {
                state.withLock { $0.statistics.failedWrites += 1 }
                let reason = Self.reason(error)
                if attempt == attempts {
                    state.withLock { $0.statistics.entriesDropped += batch.count }
                    logger.error("""
                        sqs.storage: DROPPED \(batch.count) changes after \(attempt) failed writes (\(reason)); \
                        they were answered and are kept in memory, but are not on disk and will be missing after a restart
                        """, metadata: ["path": "\(path)"])
                    return
                }
                let message: Logger.Message = """
                    sqs.storage: write failed (attempt \(attempt) of \(attempts)), retrying every \(retry.delay): \(reason)
                    """
                if attempt == 1 {
                    logger.warning(message, metadata: ["path": "\(path)"])
                } else {
                    logger.debug(message, metadata: ["path": "\(path)"])
                }
                Thread.sleep(forTimeInterval: retry.delay.seconds)   // the writer queue, not a loop
            }
        }
    }

    /// SQLite's own message for `error` ("unable to open database file", "database or disk is full").
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let error = error as? SQSStorageError { return error.description }
        return "\(error)"
    }
}

private extension Array {
    /// The elements matching `isIncluded`, then the others, each in their original order.
    func partitioned(by isIncluded: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = [], rest: [Element] = []
        for element in self {
            if isIncluded(element) { matching.append(element) } else { rest.append(element) }
        }
        return (matching, rest)
    }
}
