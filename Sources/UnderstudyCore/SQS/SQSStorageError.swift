/// Why durable SQS storage (`sqs.storage: sqlite:PATH`) could not be opened or read; each
/// case names the file and SQLite's own reason, and `description` is the line the operator reads.
public enum SQSStorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, is not a database, or its schema could not be created.
    case cannotOpen(path: String, reason: String)
    /// Reading the stored queues and messages failed.
    case cannotLoad(path: String, reason: String)
    /// A stored row could not be decoded (`what` names it, e.g. `message 42 attributes`).
    case corruptRecord(path: String, what: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "sqs.storage: cannot open \(path): \(reason)"
        case .cannotLoad(let path, let reason): "sqs.storage: cannot read \(path): \(reason)"
        case .corruptRecord(let path, let what, let reason): "sqs.storage: \(path): bad \(what): \(reason)"
        }
    }
}
