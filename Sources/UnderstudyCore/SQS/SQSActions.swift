/// SQS's actions over a `QueueStore`, protocol-neutral: each takes the JSON-shaped input
/// and returns the JSON-shaped result (nil for actions without one) with the journal
/// ticket its changes need before the answer may go out. ReceiveMessage, which can wait,
/// lives in `SQSReceive`.
struct SQSActions {
    let store: QueueStore

    /// Where the request came in: queue URLs are `SCHEME://HOST/ACCOUNT/NAME`, built from
    /// its Host (so they work behind port mappings) only when an answer carries one.
    struct Context {
        var scheme: String
        var host: String
        var accountID: String
        var pathQueue: String?

        var queueURLBase: String { scheme + "://" + host + "/" + accountID + "/" }
    }

    struct Outcome {
        var result: JSONValue?
        var ticket: UInt64?
    }

    /// Every action Understudy answers; others get `InvalidAction` (or UnsupportedOperation).
    static let names: Set<String> = [
        "CreateQueue", "GetQueueUrl", "ListQueues", "DeleteQueue", "GetQueueAttributes", "SetQueueAttributes",
        "PurgeQueue", "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
        "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "TagQueue", "UntagQueue", "ListQueueTags",
        "ListDeadLetterSourceQueues",
    ]
    /// Actions SQS has that Understudy does not emulate (answered `UnsupportedOperation`).
    static let unsupported: Set<String> = [
        "AddPermission", "RemovePermission", "StartMessageMoveTask", "CancelMessageMoveTask", "ListMessageMoveTasks",
    ]

    func perform(_ action: String, _ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        switch action {
        case "CreateQueue": return try createQueue(input, context)
        case "GetQueueUrl": return try getQueueURL(input, context)
        case "ListQueues": return try listQueues(input, context)
        case "DeleteQueue": return Outcome(ticket: try store.deleteQueue(try queueName(input, context)))
        case "GetQueueAttributes": return try getAttributes(input, context)
        case "SetQueueAttributes":
            return Outcome(ticket: try store.setAttributes(of: try queueName(input, context), try input.stringMap("Attributes")))
        case "PurgeQueue": return Outcome(ticket: try store.purge(try queueName(input, context)))
        case "SendMessage": return try sendMessage(input, context)
        case "SendMessageBatch": return try sendMessageBatch(input, context)
        case "DeleteMessage": return try deleteMessage(input, context)
        case "DeleteMessageBatch": return try deleteMessageBatch(input, context)
        case "ChangeMessageVisibility": return try changeVisibility(input, context)
        case "ChangeMessageVisibilityBatch": return try changeVisibilityBatch(input, context)
        case "TagQueue": return try tagQueue(input, context)
        case "UntagQueue":
            return Outcome(ticket: try store.changeTags(of: try queueName(input, context), removing: try input.stringList("TagKeys")))
        case "ListQueueTags": return try listQueueTags(input, context)
        case "ListDeadLetterSourceQueues": return try listDeadLetterSources(input, context)
        default:
            if Self.unsupported.contains(action) { throw .unsupportedOperation("\(action) is not supported by Understudy.") }
            throw .invalidAction(action)
        }
    }

    /// The queue a request names: `QueueUrl`'s last path segment (any host and account, so
    /// an app configured with real AWS queue URLs works unchanged), else the request path's.
    func queueName(_ input: SQSInput, _ context: Context) throws(SQSError) -> String {
        if let url = try input.string("QueueUrl") {
            return Self.queueName(fromURL: url)
        }
        if let name = context.pathQueue { return name }
        throw .missingParameter("QueueUrl")
    }

    /// The last non-empty path segment of a queue URL (query ignored), scanning bytes.
    static func queueName(fromURL url: String) -> String {
        var url = url
        return url.withUTF8 { bytes in
            var end = 0
            while end < bytes.count, bytes[end] != UInt8(ascii: "?") { end += 1 }
            while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
            var start = end
            while start > 0, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    func queueURL(_ name: String, _ context: Context) -> String { context.queueURLBase + name }
}
