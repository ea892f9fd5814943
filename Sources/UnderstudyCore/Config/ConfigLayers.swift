import Yams

/// A default tree with the file, environment and flag layers merged over it in order; owns the
/// problems found so far and remembers which source set each key, to blame it in messages.
struct ConfigLayers {
    let schema: ConfigSchema
    private(set) var tree: ConfigTree
    private var setters: [(paths: [[String]], source: String)] = []
    private var errors: [ConfigError] = []

    /// Starts from the schema's defaults (for the model: `UnderstudyConfig()` encoded), so every key is present.
    init(schema: ConfigSchema = UnderstudyConfig.configSchema) {
        self.schema = schema
        tree = schema.filled(.map([]))
    }

    /// Merges a YAML file; an unreadable file or bad YAML stops the load at once.
    mutating func addFile(_ path: String) throws(ConfigError) {
        let text = try ConfigFile.contents(of: path)
        let node: Node?
        do {
            node = try compose(yaml: text)
        } catch {
            throw ConfigError(source: path, key: "(yaml)", reason: Self.reason(forYAMLError: error))
        }
        add(node.map(ConfigTree.init) ?? .map([]), source: path)
    }

    /// Merges one environment variable or flag: `value` read as YAML (verbatim for string keys) at `path`.
    mutating func addValue(_ value: String, at path: [String], source: String) {
        guard !path.isEmpty, !path.contains(where: \.isEmpty) else {
            errors.append(ConfigError(source: source, key: dottedKey(path),
                                      reason: "expected a key path like server.keepalive.timeout (UNDERSTUDY_SERVER__KEEPALIVE__TIMEOUT)"))
            return
        }
        if let depth = (1..<path.count).first(where: { schema.child(at: path.prefix($0))?.isSection == false }) {
            errors.append(ConfigError(source: source, key: dottedKey(path),
                                      reason: "unknown key (\(dottedKey(path.prefix(depth))) takes a value, not keys)"))
            return
        }
        let parsed: ConfigTree
        if case .text? = schema.child(at: path) {
            parsed = .text(value)
        } else {
            do {
                parsed = try compose(yaml: value).map(ConfigTree.init) ?? .null
            } catch {
                errors.append(ConfigError(source: source, key: dottedKey(path), reason: Self.reason(forYAMLError: error)))
                return
            }
        }
        add(.wrapping(parsed, in: path), source: source)
    }

    private mutating func add(_ layer: ConfigTree, source: String) {
        var issues: [ConfigIssue] = []
        let shaped = schema.shape(layer, issues: &issues)
        errors += issues.map { ConfigError(source: source, key: $0.key, reason: $0.reason) }
        tree.merge(shaped, schema: schema)
        setters.append((paths: shaped.leafPaths(schema: schema), source: source))
    }

    /// Decodes the merged tree once, or throws every problem found so far (or the first from decoding).
    func decode<T: Decodable>(_ type: T.Type) throws(ConfigError) -> T {
        guard errors.isEmpty else { throw ConfigError(all: errors) }
        do {
            return try tree.decode(type)
        } catch {
            throw ConfigError(all: [blame(error)])
        }
    }

    /// The issue as a `ConfigError` from the last source that set its key (or the key it blames).
    func blame(_ issue: ConfigIssue) -> ConfigError {
        let path = issue.blamedPath ?? issue.path
        let setter = setters.last { $0.paths.contains { $0.starts(with: path) || path.starts(with: $0) } }
        return ConfigError(source: setter?.source ?? "defaults", key: issue.key, reason: issue.reason)
    }

    /// `invalid YAML at line 3, column 9: mapping values are not allowed in this context`.
    static func reason(forYAMLError error: any Error) -> String {
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _)?, .parser(_, let problem, let mark, _)?,
             .composer(_, let problem, let mark, _)?:
            "invalid YAML at line \(mark.line), column \(mark.column): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context)?:
            "invalid YAML at line \(context.mark.line), column \(context.mark.column): "
                + "duplicate key \(Set(duplicates).sorted().joined(separator: ", "))"
        case .reader(let problem, _, _, _)?:
            "invalid YAML: \(problem)"
        default:
            "invalid YAML: \(error)"
        }
    }
}
