/// The SQS API (PRODUCT.md, "Configuration"): region and account for queue URLs and ARNs,
/// optional signature checks against configured keys, queues that exist at start, where
/// queues are kept (`memory`, or `sqlite:PATH`), and memory caps answered with `OverLimit`.
public struct SQSConfig: ConfigSection, Codable, Equatable, Sendable {
    public var region = "us-east-1"
    public var accountID = "000000000000"
    public var verifySignatures = false
    public var credentials: [SQSCredentialConfig] = []
    public var queues: [SQSQueueConfig] = []
    public var storage = "memory"
    public var maxMessages = 1_000_000
    public var maxBytes = ByteSize(bytes: 1 << 30)

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case region, accountID = "account_id", verifySignatures = "verify_signatures", credentials, queues, storage
        case maxMessages = "max_messages", maxBytes = "max_bytes"
    }

    /// The SQLite path of `sqlite:PATH`, nil for `memory`.
    public var sqlitePath: String? {
        storage.hasPrefix("sqlite:") ? String(storage.dropFirst("sqlite:".count)) : nil
    }
}

/// One access key a signature may be made with.
public struct SQSCredentialConfig: ConfigSection, Codable, Equatable, Sendable {
    public var accessKeyID = ""
    public var secretAccessKey = ""

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case accessKeyID = "access_key_id", secretAccessKey = "secret_access_key"
    }
}

/// A queue that exists from the start: its name (`.fifo` makes it FIFO), queue attributes
/// as SetQueueAttributes takes them, and tags.
public struct SQSQueueConfig: ConfigSection, Codable, Equatable, Sendable {
    public var name = ""
    public var attributes: [String: JSONValue] = [:]
    public var tags: [String: String] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, attributes, tags
    }

    /// Attributes as text, in name order, with `FifoQueue: true` implied by a `.fifo` name.
    var attributePairs: [(name: String, value: String)] {
        var pairs = attributes.keys.sorted().map { (name: $0, value: attributes[$0]!.scalarText ?? attributes[$0]!.jsonText) }
        if name.hasSuffix(".fifo"), !pairs.contains(where: { $0.name == "FifoQueue" }) { pairs.insert(("FifoQueue", "true"), at: 0) }
        return pairs
    }
}
