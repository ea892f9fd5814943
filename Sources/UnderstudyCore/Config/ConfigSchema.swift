/// The keys the config model declares, as a tree derived from the model's types (see
/// `ConfigSection`); the loader refuses any other key and shapes each layer before merging.
indirect enum ConfigSchema {
    /// One value the decoder reads (number, bool, duration, size, address, free-form map).
    case scalar
    /// A string: environment and flag values for it are taken verbatim, not parsed as YAML.
    case text
    /// A list of values; a single value is read as a one-element list.
    case list
    /// A mapping with exactly these keys, in declaration order, and its default values (which
    /// fill a section that only a layer sets: a list item, or an optional section).
    case section([(key: String, schema: ConfigSchema)], defaults: ConfigTree)
    /// A list of sections (fault rules, queues).
    case sections(ConfigSchema)

    /// The schema for a property of static type `type`.
    static func of(_ type: Any.Type) -> ConfigSchema {
        if let provider = type as? any ConfigSchemaProviding.Type { return provider.configSchema }
        if type == String.self || type == String?.self { return .text }
        if type is any ConfigListMarker.Type { return .list }
        return .scalar
    }

    /// A section's keys; nil for other kinds.
    var keys: [(key: String, schema: ConfigSchema)]? {
        if case .section(let keys, _) = self { keys } else { nil }
    }

    var isSection: Bool { keys != nil }

    /// The schema of `key` in this section, or nil if the model does not declare it.
    func schema(of key: String) -> ConfigSchema? {
        keys?.first(where: { $0.key == key })?.schema
    }

    /// The declared keys of a section, for messages: `listen, backlog, loops`.
    var keyList: String {
        (keys ?? []).map(\.key).joined(separator: ", ")
    }

    /// The schema of the key at `path` below this one, or nil if the model does not declare it.
    func child(at path: some Collection<String>) -> ConfigSchema? {
        guard let first = path.first else { return self }
        return schema(of: first)?.child(at: path.dropFirst())
    }

    /// `tree` laid over this section's defaults (other kinds: `tree` itself).
    func filled(_ tree: ConfigTree) -> ConfigTree {
        guard case .section(_, var defaults) = self else { return tree }
        defaults.merge(tree, schema: self)
        return defaults
    }
}
