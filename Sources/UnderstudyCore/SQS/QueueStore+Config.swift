import Dispatch
import Logging
import UnderstudyNet

extension UnderstudyServer {
    /// The queue store `sqs` describes: storage opened and loaded (`sqlite:PATH`), then the
    /// configured queues created where missing. Throws (start-up fails) when storage cannot open.
    static func makeQueueStore(_ sqs: SQSConfig, logger: Logger) throws -> QueueStore {
        let limits = QueueStore.Limits(maxMessages: sqs.maxMessages, maxBytes: sqs.maxBytes.bytes)
        var journal: SQSJournal?
        var snapshot = SQSSnapshot()
        if let path = sqs.sqlitePath {
            let sqlite = try SQLiteJournal(path: path, logger: logger)
            snapshot = try sqlite.load()
            journal = sqlite
        }
        let store = QueueStore(region: sqs.region, accountID: sqs.accountID, limits: limits, journal: journal)
        do throws(SQSError) {
            for problem in store.restore(from: snapshot) { logger.error("sqs.storage: \(problem)") }
            for queue in sqs.queues where !store.queueExists(queue.name) {
                let (_, ticket) = try store.createQueue(queue.name, attributes: queue.attributePairs, tags: queue.tags)
                if let ticket { store.waitUntilDurable(ticket) }
            }
        } catch {
            logger.error("sqs: \(error.message)")
        }
        return store
    }
}

extension QueueStore {
    /// Blocks until `ticket` is durable: for start-up only, never on a loop.
    func waitUntilDurable(_ ticket: UInt64) {
        let done = DispatchSemaphore(value: 0)
        afterDurable(ticket) { done.signal() }
        done.wait()
    }
}
