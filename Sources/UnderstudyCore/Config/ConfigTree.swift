import Yams

/// A YAML value while config layers are merged: mappings keep their key order, scalars keep
/// their Yams node (its style tells `'null'` the string from `null`).
enum ConfigTree {
    case scalar(Node.Scalar)
    case list([ConfigTree])
    case map([(key: String, value: ConfigTree)])

    init(_ node: Node) {
        switch node {
        case .scalar(let scalar): self = .scalar(scalar)
        case .sequence(let sequence): self = .list(sequence.map(ConfigTree.init))
        case .mapping(let mapping):
            self = .map(mapping.map { (key: $0.key.scalar?.string ?? "\($0.key)", value: ConfigTree($0.value)) })
        case .alias: self = .null   // the parser resolves aliases; only the encoder makes these
        }
    }

    /// A plain `null`.
    static var null: ConfigTree { .scalar(Node.Scalar("null", .implicit, .plain)) }

    /// A string exactly as given (environment and flag values for string keys).
    static func text(_ string: String) -> ConfigTree { .scalar(Node.Scalar(string, Tag(.str), .doubleQuoted)) }

    /// `map` nested along `path` around `value`: `server.listen` and `x` give `{server: {listen: x}}`.
    static func wrapping(_ value: ConfigTree, in path: [String]) -> ConfigTree {
        path.reversed().reduce(value) { inner, key in .map([(key: key, value: inner)]) }
    }

    /// Back to a Yams node, for the decoder and the emitter.
    var node: Node {
        switch self {
        case .scalar(let scalar): .scalar(scalar)
        case .list(let items): Node(items.map(\.node))
        case .map(let pairs): Node(pairs.map { (Node($0.key), $0.value.node) })
        }
    }

    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The value for messages: `"many"`, `null`, `a list`, `a mapping`.
    var summary: String {
        switch self {
        case .scalar(let scalar): isNull ? "null" : "\"\(scalar.string)\""
        case .list: "a list"
        case .map: "a mapping"
        }
    }

    /// The value at `path` (keys, and `[i]` for list items), if there is one.
    subscript(path: some Collection<String>) -> ConfigTree? {
        guard let first = path.first else { return self }
        switch self {
        case .map(let pairs):
            return pairs.last(where: { $0.key == first })?.value[path.dropFirst()]
        case .list(let items):
            guard first.hasPrefix("["), let index = Int(first.dropFirst().dropLast()), items.indices.contains(index)
            else { return nil }
            return items[index][path.dropFirst()]
        case .scalar:
            return nil
        }
    }

    /// Lays `overlay` over this tree: sections merge key by key (a section new to the tree
    /// starts from its defaults), anything else is replaced whole.
    mutating func merge(_ overlay: ConfigTree, schema: ConfigSchema) {
        guard schema.isSection, case .map(var pairs) = self, case .map(let overlayPairs) = overlay else {
            self = overlay
            return
        }
        for (key, value) in overlayPairs {
            let childSchema = schema.schema(of: key) ?? .scalar
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                pairs[index].value.merge(value, schema: childSchema)
            } else {
                pairs.append((key: key, value: childSchema.filled(value)))
            }
        }
        self = .map(pairs)
    }

    /// Paths of the values this tree sets, where merging stops descending (for blaming a layer).
    func leafPaths(schema: ConfigSchema, prefix: [String] = []) -> [[String]] {
        guard schema.isSection, case .map(let pairs) = self else { return [prefix] }
        return pairs.flatMap { key, value in
            value.leafPaths(schema: schema.schema(of: key) ?? .scalar, prefix: prefix + [key])
        }
    }

    /// Adds a `null` for each declared key missing from a section (optional keys left out by the encoder).
    mutating func addMissingKeys(schema: ConfigSchema) {
        guard let keys = schema.keys, case .map(let pairs) = self else { return }
        self = .map(keys.map { key, childSchema in
            var value = pairs.last(where: { $0.key == key })?.value ?? .null
            value.addMissingKeys(schema: childSchema)
            return (key: key, value: value)
        })
    }
}

/// A key path as users write it: `server.keepalive.timeout`, `server.listen[1]`.
func dottedKey(_ path: some Sequence<String>) -> String {
    path.reduce(into: "") { key, segment in
        key += key.isEmpty || segment.hasPrefix("[") ? segment : "." + segment
    }
}
