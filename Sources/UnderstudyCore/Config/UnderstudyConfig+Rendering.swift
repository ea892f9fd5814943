import Yams

extension UnderstudyConfig {
    /// The effective settings as YAML for `understudy check`: every key (unset optional ones as
    /// `null`), snake_case, durations and sizes in canonical form, the admin token as `<redacted>`.
    public func renderYAML() -> String {
        var shown = self
        if shown.admin.token != nil { shown.admin.token = "<redacted>" }
        do {
            guard let node = try compose(yaml: YAMLEncoder().encode(shown)) else { return "{}\n" }
            var tree = ConfigTree(node)
            tree.addMissingKeys(schema: Self.configSchema)
            return try serialize(node: tree.node)
        } catch {
            return "# cannot render the configuration: \(error)\n"
        }
    }
}
