/// One queue's settable attributes, validated (AWS's `SetQueueAttributes` ranges), plus
/// the ones Understudy stores without acting on them (Policy, KMS keys), so
/// GetQueueAttributes returns what was set. Owned by its `SQSQueue`, under the store's lock.
public struct QueueSettings: Equatable, Sendable {
    public var delaySeconds = 0
    public var maximumMessageSize = 1_048_576
    public var messageRetentionPeriod = 345_600
    public var receiveMessageWaitTimeSeconds = 0
    public var visibilityTimeout = 30
    public var redrivePolicy: RedrivePolicy?
    public var isFIFO = false
    public var contentBasedDeduplication = false
    /// `queue` or `messageGroup` (FIFO only).
    public var deduplicationScope = "queue"
    /// `perQueue` or `perMessageGroupId` (FIFO only).
    public var fifoThroughputLimit = "perQueue"
    public var sqsManagedSSEEnabled = true
    /// Accepted and returned as given: Policy, RedriveAllowPolicy, KmsMasterKeyId, …
    public var stored: [String: String] = [:]

    public init() {}

    /// Where a message goes after `maxReceiveCount` receives.
    public struct RedrivePolicy: Equatable, Sendable {
        public var deadLetterTargetArn: String
        public var maxReceiveCount: Int
        /// The dead-letter queue's name: the ARN's last field.
        public var deadLetterQueueName: String {
            String(deadLetterTargetArn.split(separator: ":", omittingEmptySubsequences: false).last ?? "")
        }
    }

    /// A new queue's settings from CreateQueue's attributes (or storage's): `FifoQueue` first,
    /// since it decides which of the others a queue may have.
    init(creatingWith attributes: [(name: String, value: String)]) throws(SQSError) {
        let isFIFO = attributes.first(where: { $0.name == "FifoQueue" })?.value.lowercased() == "true"
        try apply(attributes.filter { $0.name == "FifoQueue" }, creating: true)
        try apply(attributes.filter { $0.name != "FifoQueue" }, creating: isFIFO)
    }

    /// Attributes that SetQueueAttributes and CreateQueue accept.
    static let settableNames: Set<String> = [
        "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy", "ReceiveMessageWaitTimeSeconds",
        "VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
        "SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
    ]
    /// Attributes that only GetQueueAttributes returns.
    static let readOnlyNames: Set<String> = [
        "All", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
    ]
    private static let rawNames: Set<String> = ["Policy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"]

    /// Applies `attributes` (name → value as sent) or throws the error AWS answers.
    /// `creating` allows `FifoQueue`, which only CreateQueue may set.
    mutating func apply(_ attributes: [(name: String, value: String)], creating: Bool) throws(SQSError) {
        for (name, value) in attributes {
            guard Self.settableNames.contains(name) else { throw .invalidAttributeName(name) }
            switch name {
            case "DelaySeconds": delaySeconds = try Self.integer(name, value, 0...900)
            case "MaximumMessageSize": maximumMessageSize = try Self.integer(name, value, 1024...1_048_576)
            case "MessageRetentionPeriod": messageRetentionPeriod = try Self.integer(name, value, 60...1_209_600)
            case "ReceiveMessageWaitTimeSeconds": receiveMessageWaitTimeSeconds = try Self.integer(name, value, 0...20)
            case "VisibilityTimeout": visibilityTimeout = try Self.integer(name, value, 0...43_200)
            case "RedrivePolicy": redrivePolicy = try Self.redrivePolicy(value)
            case "SqsManagedSseEnabled": sqsManagedSSEEnabled = try Self.boolean(name, value)
            case "FifoQueue":
                guard creating else { throw .invalidAttributeName(name) }
                isFIFO = try Self.boolean(name, value)
            case "ContentBasedDeduplication":
                guard isFIFO || creating else { throw .invalidAttributeName(name) }
                contentBasedDeduplication = try Self.boolean(name, value)
            case "DeduplicationScope":
                guard value == "queue" || value == "messageGroup" else { throw Self.invalid(name, value) }
                deduplicationScope = value
            case "FifoThroughputLimit":
                guard value == "perQueue" || value == "perMessageGroupId" else { throw Self.invalid(name, value) }
                fifoThroughputLimit = value
            default:
                if Self.rawNames.contains(name) { stored[name] = value }
            }
        }
        if !isFIFO {
            for name in ["ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]
            where attributes.contains(where: { $0.name == name }) {
                throw .invalidAttributeName(name)
            }
        }
    }

    /// The settable attributes as GetQueueAttributes lists them (and as storage keeps them).
    var attributeValues: [(name: String, value: String)] {
        var values: [(String, String)] = [
            ("VisibilityTimeout", String(visibilityTimeout)), ("MaximumMessageSize", String(maximumMessageSize)),
            ("MessageRetentionPeriod", String(messageRetentionPeriod)), ("DelaySeconds", String(delaySeconds)),
            ("ReceiveMessageWaitTimeSeconds", String(receiveMessageWaitTimeSeconds)),
        ]
        if let redrivePolicy {
            let policy = JSONValue.object([.init("deadLetterTargetArn", .string(redrivePolicy.deadLetterTargetArn)),
                                           .init("maxReceiveCount", .number(Double(redrivePolicy.maxReceiveCount)))])
            values.append(("RedrivePolicy", String(decoding: CompactJSON.bytes(policy), as: UTF8.self)))
        }
        values.append(("SqsManagedSseEnabled", sqsManagedSSEEnabled ? "true" : "false"))
        if isFIFO {
            values += [("FifoQueue", "true"), ("ContentBasedDeduplication", contentBasedDeduplication ? "true" : "false"),
                       ("DeduplicationScope", deduplicationScope), ("FifoThroughputLimit", fifoThroughputLimit)]
        }
        for name in stored.keys.sorted() { values.append((name, stored[name]!)) }
        return values
    }

    private static func integer(_ name: String, _ value: String, _ range: ClosedRange<Int>) throws(SQSError) -> Int {
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw invalid(name, value)
        }
        return number
    }

    private static func boolean(_ name: String, _ value: String) throws(SQSError) -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw invalid(name, value)
        }
    }

    static func invalid(_ name: String, _ value: String) -> SQSError {
        .invalidAttributeValue("Invalid value for the parameter \(name).")
    }

    /// `{"deadLetterTargetArn":"arn:aws:sqs:…:dlq","maxReceiveCount":"5"}`; an empty string removes it.
    private static func redrivePolicy(_ value: String) throws(SQSError) -> RedrivePolicy? {
        if value.isEmpty || value == "{}" { return nil }
        guard case .object(let members)? = JSONValue.parse(json: Array(value.utf8)) else {
            throw invalidValue("RedrivePolicy", value, reason: "Invalid value for the parameter RedrivePolicy.")
        }
        let fields = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard let arn = fields["deadLetterTargetArn"]?.stringValue, Self.isQueueARN(arn) else {
            throw invalidValue("RedrivePolicy", value, reason: "Dead-letter target ARN is missing or invalid.")
        }
        let countText = fields["maxReceiveCount"].flatMap { value in
            value.stringValue ?? value.number.flatMap { Int(exactly: $0) }.map(String.init)
        }
        guard let countText, let count = Int(countText), (1...1000).contains(count) else {
            throw invalidValue("RedrivePolicy", value, reason: "Invalid value for maxReceiveCount: must be an integer from 1 to 1000.")
        }
        return RedrivePolicy(deadLetterTargetArn: arn, maxReceiveCount: count)
    }

    /// `arn:aws:sqs:REGION:ACCOUNT:NAME` with a name SQS would accept.
    static func isQueueARN(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sqs", let name = parts.last, !name.isEmpty, name.utf8.count <= 80,
              parts[1].utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }),
              parts[3].utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }),
              parts[4].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
            || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    private static func invalidValue(_ name: String, _ value: String, reason: String) -> SQSError {
        .invalidParameterValue("Value \(value) for parameter \(name) is invalid. Reason: \(reason)")
    }
}

extension JSONValue {
    /// The string inside `.string` (or a YAML scalar's text), else nil.
    var stringValue: String? {
        switch self {
        case .string(let text): text
        case .scalar(_, let text): text
        default: nil
        }
    }
}
