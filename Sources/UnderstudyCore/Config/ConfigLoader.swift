/// Builds the effective config: the embedded defaults, then the file, then `UNDERSTUDY_…`
/// environment variables, then flags, each laid over the last; unknown keys are refused, the
/// result is decoded and validated once.
public enum ConfigLoader {
    static let environmentPrefix = "UNDERSTUDY_"

    /// - Parameters:
    ///   - file: A YAML file path, or nil for none.
    ///   - environment: The process environment; only `UNDERSTUDY_<SECTION>__<KEY>[__<SUBKEY>]`
    ///     variables are read (`__` separates levels), their values as YAML.
    ///   - overrides: Flag values by dotted key (`server.listen`), as YAML, applied in order.
    /// - Throws: `ConfigError` naming source, key and reason of every problem found.
    public static func load(
        file: String?, environment: [String: String], overrides: [(key: String, value: String)]
    ) throws(ConfigError) -> UnderstudyConfig {
        // Fast path: nothing to merge, so neither Yams nor Foundation is touched (start-up time).
        let hasVariables = environment.keys.contains { $0.hasPrefix(environmentPrefix) }
        if file == nil, !hasVariables, overrides.isEmpty { return UnderstudyConfig() }

        var layers = ConfigLayers()
        if let file { try layers.addFile(file) }
        let variables = environment.filter { $0.key.hasPrefix(environmentPrefix) }.sorted { $0.key < $1.key }
        for (name, value) in variables {
            layers.addValue(value, at: environmentPath(name), source: "environment (\(name))")
        }
        for (key, value) in overrides {
            layers.addValue(value, at: key.split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                            source: "flag")
        }
        var config = try layers.decode(UnderstudyConfig.self)
        config.normalize()
        let issues = config.validationIssues()
        guard issues.isEmpty else { throw ConfigError(all: issues.map(layers.blame)) }
        return config
    }

    /// `UNDERSTUDY_SERVER__KEEPALIVE__MAX_REQUESTS` → `["server", "keepalive", "max_requests"]`.
    static func environmentPath(_ name: String) -> [String] {
        name.dropFirst(environmentPrefix.count)
            .split(separator: "__", omittingEmptySubsequences: false)
            .map { $0.lowercased() }
    }
}
