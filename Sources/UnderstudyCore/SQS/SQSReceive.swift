import Foundation
import UnderstudyNet

/// ReceiveMessage, with long polling: when nothing is visible and the request (or the
/// queue's ReceiveMessageWaitTimeSeconds) allows waiting, the exchange registers a
/// `ReceiveWaiter` and arms one timer — at the wait's end, or sooner when a delayed or
/// in-flight message becomes visible. A send wakes the waiter on its own loop. No thread waits.
struct SQSReceive {
    let store: QueueStore

    struct Request: Sendable {
        var queue: String
        var max: Int
        var visibility: Int?
        var wait: Int?
        var systemNames: Set<String>
        var attributeNames: [String]
    }

    static func parse(_ input: SQSInput, queue: String) throws(SQSError) -> Request {
        let max = try input.integer("MaxNumberOfMessages", in: 1...10) ?? 1
        let visibility = try input.integer("VisibilityTimeout", in: 0...43_200)
        let wait = try input.integer("WaitTimeSeconds", in: 0...20, reason: "Must be >= 0 and <= 20, if provided.")
        let system = Set(try input.stringList("AttributeNames") + input.stringList("MessageSystemAttributeNames"))
        return Request(queue: queue, max: max, visibility: visibility, wait: wait, systemNames: system,
                       attributeNames: try input.stringList("MessageAttributeNames"))
    }

    /// Receives now, or waits; `answer` gets the result (or error) once, on the exchange's loop.
    func run(_ request: Request, exchange: Exchange, answer: @escaping (Result<(JSONValue, UInt64?), SQSError>) -> Void) {
        let wait: Int
        do throws(SQSError) {
            if let requested = request.wait { wait = requested } else { wait = try store.receiveWaitSeconds(request.queue) }
        } catch {
            return answer(.failure(error))
        }
        let deadline = exchange.loop.now &+ UInt64(wait) * 1_000_000_000
        attempt(request, exchange: exchange, deadline: deadline, answer: answer)
    }

    private func attempt(_ request: Request, exchange: Exchange, deadline: UInt64,
                         answer: @escaping (Result<(JSONValue, UInt64?), SQSError>) -> Void) {
        let now = exchange.loop.now
        var waiter: ReceiveWaiter?
        if deadline > now {
            let bound = LoopBound((exchange, answer), on: exchange.loop)
            let store = self.store
            let queue = request.queue
            waiter = ReceiveWaiter { [self] in
                bound.loop.execute {
                    let (exchange, answer) = bound.value
                    // A client that left passes its wake-up on, so no message waits for nobody.
                    guard exchange.isConnected else { return store.wakeNext(queue) }
                    attempt(request, exchange: exchange, deadline: deadline, answer: answer)
                }
            }
        }
        let received: [ReceivedMessage], ticket: UInt64?, nextVisibleAt: Int64?
        do throws(SQSError) {
            (received, ticket, nextVisibleAt) = try store.receive(from: request.queue, max: request.max,
                                                                 visibility: request.visibility, waiter: waiter)
        } catch {
            return answer(.failure(error))
        }
        guard received.isEmpty, let waiter else {
            return answer(.success((Self.result(received, request), ticket)))
        }
        var wakeAt = deadline
        if let nextVisibleAt {
            let untilVisible = max(0, nextVisibleAt - store.clock()) * 1_000_000
            wakeAt = min(deadline, now &+ UInt64(untilVisible))
        }
        exchange.after(.nanoseconds(Int64(wakeAt - now)), countsAsDelayed: true) { [self] exchange in
            guard waiter.claim() else { return }
            attempt(request, exchange: exchange, deadline: deadline, answer: answer)
        }
    }

    static func result(_ received: [ReceivedMessage], _ request: Request) -> JSONValue {
        guard !received.isEmpty else { return .object([]) }
        return .object([.init("Messages", .array(received.map { message(for: $0, request) }))])
    }

    private static func message(for received: ReceivedMessage, _ request: Request) -> JSONValue {
        let message = received.message
        var fields: [JSONValue.Member] = [
            .init("MessageId", .string(message.messageID)), .init("ReceiptHandle", .string(received.receiptHandle)),
            .init("MD5OfBody", .string(message.bodyMD5)), .init("Body", .string(message.body)),
        ]
        let all = request.systemNames.contains("All")
        var system: [JSONValue.Member] = []
        func add(_ name: String, _ value: String?) {
            if let value, all || request.systemNames.contains(name) { system.append(.init(name, .string(value))) }
        }
        add("SenderId", message.senderID)
        add("SentTimestamp", String(message.sentAt))
        add("ApproximateReceiveCount", String(received.receiveCount))
        add("ApproximateFirstReceiveTimestamp", String(received.firstReceivedAt))
        add("SequenceNumber", message.sequenceNumber)
        add("MessageDeduplicationId", message.deduplicationID)
        add("MessageGroupId", message.groupID)
        add("AWSTraceHeader", message.systemAttributes.first { $0.name == "AWSTraceHeader" }?.value.stringValue)
        if !system.isEmpty { fields.append(.init("Attributes", .object(system))) }
        let selected = message.attributes.filter { attribute in
            request.attributeNames.contains { wanted in
                wanted == "All" || wanted == ".*" || wanted == attribute.name
                    || (wanted.hasSuffix(".*") && attribute.name.hasPrefix(String(wanted.dropLast(1))))
            }
        }
        if !selected.isEmpty, let md5 = SQSDigest.ofAttributes(selected) {
            fields.append(.init("MD5OfMessageAttributes", .string(md5)))
            fields.append(.init("MessageAttributes", .object(selected.map { .init($0.name, attributeJSON($0.value)) })))
        }
        return .object(fields)
    }

    static func attributeJSON(_ value: MessageAttributeValue) -> JSONValue {
        var fields: [JSONValue.Member] = []
        if let text = value.stringValue { fields.append(.init("StringValue", .string(text))) }
        if let bytes = value.binaryValue { fields.append(.init("BinaryValue", .string(Data(bytes).base64EncodedString()))) }
        fields.append(.init("DataType", .string(value.dataType)))
        return .object(fields)
    }
}

extension QueueStore {
    /// The queue's ReceiveMessageWaitTimeSeconds.
    func receiveWaitSeconds(_ name: String) throws(SQSError) -> Int {
        try withState { (state, _, _) throws(SQSError) -> Int in
            guard let queue = state.queues[name] else { throw .queueDoesNotExist() }
            return queue.settings.receiveMessageWaitTimeSeconds
        }.0
    }

    /// Wakes the next `count` live waiters of a queue: a woken client had gone, a FIFO delete
    /// freed message groups, or a visibility timeout changed (the waiter re-arms its timer).
    func wakeNext(_ name: String, count: Int = 1) {
        let waiters = state.withLock { Self.takeWaiters(count, for: name, from: &$0) }
        for waiter in waiters { waiter.fire() }
    }
}
