/// Turns a query-protocol request's flattened parameters (`Attribute.1.Name=…`,
/// `SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=…`) into the JSON
/// protocol's input shape, so one set of actions serves both protocols. The names are the
/// 2012-11-05 query model's `locationName`s for SQS's flattened lists and maps.
enum QueryInput {
    /// Flattened list name → JSON member name.
    static let lists: [String: String] = [
        "AttributeName": "AttributeNames", "MessageAttributeName": "MessageAttributeNames",
        "MessageSystemAttributeName": "MessageSystemAttributeNames", "TagKey": "TagKeys",
        "SendMessageBatchRequestEntry": "Entries", "DeleteMessageBatchRequestEntry": "Entries",
        "ChangeMessageVisibilityBatchRequestEntry": "Entries", "AWSAccountId": "AWSAccountIds", "ActionName": "Actions",
        "StringListValue": "StringListValues", "BinaryListValue": "BinaryListValues",
    ]
    /// Flattened map name → (JSON member name, key field, value field, value is a structure).
    static let maps: [String: (member: String, key: String, value: String, isStructure: Bool)] = [
        "Attribute": ("Attributes", "Name", "Value", false),
        "Tag": ("Tags", "Key", "Value", false),
        "MessageAttribute": ("MessageAttributes", "Name", "Value", true),
        "MessageSystemAttribute": ("MessageSystemAttributes", "Name", "Value", true),
    ]

    /// The JSON-shaped input of `pairs` (`Action` and `Version` left out). CreateQueue's tag
    /// map is `tags` in the JSON model, TagQueue's is `Tags`.
    static func json(from pairs: [(name: String, value: String)], action: String) -> JSONValue {
        let root = Node()
        for (name, value) in pairs where name != "Action" && name != "Version" && !isTooDeep(name) {
            var node = root
            for part in name.split(separator: ".", omittingEmptySubsequences: false) {
                node = node.child(String(part))
            }
            node.value = value
        }
        var converted = convert(root)
        if action == "CreateQueue", case .object(var members) = converted,
           let index = members.firstIndex(where: { $0.key == "Tags" }) {
            members[index].key = "tags"
            converted = .object(members)
        }
        return converted
    }

    /// The most dot-separated parts a parameter name may have. SQS's deepest is 7
    /// (`SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1`); deeper
    /// names would make the tree (and the recursion over it) as deep as the request is long.
    static let maxNameDepth = 16

    static func isTooDeep(_ name: String) -> Bool {
        var dots = 0
        for byte in name.utf8 where byte == UInt8(ascii: ".") {
            dots += 1
            if dots >= maxNameDepth { return true }
        }
        return false
    }

    /// A parameter-name tree: `A.1.B` is A → 1 → B. Children are found by name in constant
    /// time, so a request with many parameters is read in linear time.
    private final class Node {
        var value: String?
        var children: [(name: String, node: Node)] = []
        private var positions: [String: Int] = [:]

        func child(_ name: String) -> Node {
            if let position = positions[name] { return children[position].node }
            let node = Node()
            positions[name] = children.count
            children.append((name, node))
            return node
        }

        /// Children with numeric names, in numeric order (`.1`, `.2`, … `.10`).
        var indexed: [Node] {
            children.compactMap { child in Int(child.name).map { ($0, child.node) } }.sorted { $0.0 < $1.0 }.map(\.1)
        }

        func field(_ name: String) -> Node? { positions[name].map { children[$0].node } }
    }

    private static func convert(_ node: Node) -> JSONValue {
        if node.children.isEmpty { return .string(node.value ?? "") }
        var members: [JSONValue.Member] = []
        for (name, child) in node.children {
            if let member = lists[name] {
                // `AttributeName=All` without an index (boto2 and hand-written requests): a one-item list.
                let items = child.children.isEmpty ? (child.value.map { [JSONValue.string($0)] } ?? []) : child.indexed.map(convert)
                members.append(.init(member, .array(items)))
            } else if let map = maps[name] {
                var entries: [JSONValue.Member] = []
                for entry in child.indexed {
                    guard let key = entry.field(map.key)?.value else { continue }
                    let value = entry.field(map.value)
                    entries.append(.init(key, map.isStructure ? (value.map(convert) ?? .object([])) : .string(value?.value ?? "")))
                }
                members.append(.init(map.member, .object(entries)))
            } else {
                members.append(.init(name, convert(child)))
            }
        }
        return .object(members)
    }
}
