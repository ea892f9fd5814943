/// One message attribute (or message system attribute) as SQS carries it: a data type —
/// `String`, `Number` or `Binary`, optionally with a custom suffix such as `Number.float` —
/// and its value. Binary values are raw bytes here; both wire protocols carry them base64.
public struct MessageAttributeValue: Equatable, Sendable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: [UInt8]?
    public var stringListValues: [String] = []
    public var binaryListValues: [[UInt8]] = []

    public init(dataType: String, stringValue: String? = nil, binaryValue: [UInt8]? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    /// `Binary` or `Binary.x`: the value travels as bytes (transport type 2 in the MD5).
    public var isBinary: Bool { dataType == "Binary" || dataType.hasPrefix("Binary.") }
}

/// A message's attributes in the order the sender gave them.
public typealias MessageAttributes = [(name: String, value: MessageAttributeValue)]
