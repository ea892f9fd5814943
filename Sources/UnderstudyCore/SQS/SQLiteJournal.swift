public final class SQLiteJournal: SQSJournal {
    public init(path: String) throws {}
    public func append(_ entries: [JournalEntry]) -> UInt64 { 0 }
    public func whenDurable(_ ticket: UInt64, _ done: @escaping @Sendable () -> Void) { done() }
    public func load() throws -> SQSSnapshot { SQSSnapshot() }
    public func close() {}
}
