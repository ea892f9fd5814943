import Foundation

/// An action's input as the JSON protocol shapes it (the query protocol is converted by
/// `QueryInput`), with typed accessors that throw the error AWS answers for a missing or
/// malformed parameter. Numbers may arrive as JSON numbers or as text (query protocol).
struct SQSInput {
    let members: [JSONValue.Member]

    init(_ value: JSONValue) {
        members = value.members ?? []
    }

    func value(_ key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    func string(_ key: String) throws(SQSError) -> String? {
        guard let value = value(key) else { return nil }
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .number, .bool, .scalar: return value.scalarText
        default: throw .invalidParameterValue("Value for parameter \(key) is invalid. Reason: expected a string.")
        }
    }

    func required(_ key: String) throws(SQSError) -> String {
        guard let text = try string(key) else { throw .missingParameter(key) }
        return text
    }

    func integer(_ key: String) throws(SQSError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidParameterValue(key, text, reason: "Must be an integer.")
        }
        return number
    }

    /// An integer within `range`, or the error AWS words for it.
    func integer(_ key: String, in range: ClosedRange<Int>, reason: String? = nil) throws(SQSError) -> Int? {
        guard let number = try integer(key) else { return nil }
        guard range.contains(number) else {
            throw .invalidParameterValue(key, String(number),
                                         reason: reason ?? "Must be between \(range.lowerBound) and \(range.upperBound), if provided.")
        }
        return number
    }

    func stringList(_ key: String) throws(SQSError) -> [String] {
        guard let value = value(key) else { return [] }
        guard case .array(let items) = value else {
            if case .null = value { return [] }
            throw .invalidParameterValue("Value for parameter \(key) is invalid. Reason: expected a list.")
        }
        var strings: [String] = []
        for item in items {
            guard let text = item.stringValue ?? item.scalarText else {
                throw .invalidParameterValue("Value for parameter \(key) is invalid. Reason: expected a list of strings.")
            }
            strings.append(text)
        }
        return strings
    }

    /// A string-to-string map (queue attributes, tags), in the order given.
    func stringMap(_ key: String) throws(SQSError) -> [(name: String, value: String)] {
        guard let value = value(key) else { return [] }
        if case .null = value { return [] }
        guard let members = value.members else {
            throw .invalidParameterValue("Value for parameter \(key) is invalid. Reason: expected a map.")
        }
        var pairs: [(name: String, value: String)] = []
        for member in members {
            guard let text = member.value.stringValue ?? member.value.scalarText else {
                throw .invalidParameterValue("Value for parameter \(member.key) is invalid. Reason: expected a string.")
            }
            pairs.append((member.key, text))
        }
        return pairs
    }

    /// A list of structures (batch entries).
    func entries(_ key: String) throws(SQSError) -> [SQSInput] {
        guard let value = value(key) else { return [] }
        guard case .array(let items) = value else {
            if case .null = value { return [] }
            throw .invalidParameterValue("Value for parameter \(key) is invalid. Reason: expected a list.")
        }
        return items.map(SQSInput.init)
    }

    /// MessageAttributes or MessageSystemAttributes: names and typed values, validated as
    /// SQS does (a data type is required; String/Number need StringValue, Binary BinaryValue).
    func messageAttributes(_ key: String) throws(SQSError) -> [SQSStoredAttribute] {
        guard let value = value(key) else { return [] }
        if case .null = value { return [] }
        guard let members = value.members else {
            throw .invalidParameterValue("Value for parameter \(key) is invalid. Reason: expected a map.")
        }
        guard members.count <= 10 else {
            throw .invalidParameterValue("Number of message attributes [\(members.count)] exceeds the allowed maximum [10].")
        }
        var attributes: [SQSStoredAttribute] = []
        var names = Set<String>()
        for member in members {
            let fields = SQSInput(member.value)
            let name = member.key
            guard Self.isAttributeName(name) else {
                throw .invalidParameterValue("Message (user) attribute name '\(name)' is invalid.")
            }
            guard names.insert(name).inserted else {
                throw .invalidParameterValue("Message (user) attribute name '\(name)' is repeated.")
            }
            guard let dataType = try fields.string("DataType"), !dataType.isEmpty else {
                throw .invalidParameterValue("The message attribute '\(name)' must contain non-empty message attribute type.")
            }
            let base = dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            var attribute = MessageAttributeValue(dataType: dataType)
            switch base {
            case "String", "Number":
                guard let text = try fields.string("StringValue") else {
                    throw .invalidParameterValue("The message attribute '\(name)' with type '\(base)' must use field 'String'.")
                }
                guard !text.isEmpty else {
                    throw .invalidParameterValue("Message (user) attribute '\(name)' must contain a non-empty value of type '\(base)'.")
                }
                // Query-protocol consumers read it in XML: the characters XML allows only.
                if !SQSActions.isPlainText(text), text.unicodeScalars.contains(where: { !SQSActions.isAllowed($0) }) {
                    throw .invalidParameterValue("Message (user) attribute '\(name)' contains characters outside the allowed set.")
                }
                if base == "Number", Double(text) == nil {
                    throw .invalidParameterValue("Can't cast the value of message (user) attribute '\(name)' to a number.")
                }
                attribute.stringValue = text
            case "Binary":
                guard let encoded = try fields.string("BinaryValue"), let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else {
                    throw .invalidParameterValue("The message attribute '\(name)' with type 'Binary' must use field 'Binary'.")
                }
                attribute.binaryValue = Array(bytes)
            default:
                throw .invalidParameterValue("The type of message (user) attribute '\(name)' is invalid. You must use only the following supported type prefixes: Binary, Number, String.")
            }
            guard dataType.utf8.count <= 256, SQSActions.isPlainText(dataType) else {
                throw .invalidParameterValue("The type of message (user) attribute '\(name)' is invalid.")
            }
            attributes.append(SQSStoredAttribute(name: name, value: attribute))
        }
        return attributes
    }

    /// AWS's rule: up to 256 of `[A-Za-z0-9_.-]`, no `AWS.`/`Amazon.` prefix, no leading,
    /// trailing or doubled period.
    static func isAttributeName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 256, !name.hasPrefix("."), !name.hasSuffix("."), !name.contains("..") else {
            return false
        }
        let lower = name.lowercased()
        if lower.hasPrefix("aws.") || lower.hasPrefix("amazon.") { return false }
        return name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
            || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }
}
