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
        let hasVariables = environment.keys.contains(where: isConfigVariable)
        if file == nil, !hasVariables, overrides.isEmpty { return UnderstudyConfig() }

        var layers = ConfigLayers()
        if let file { try layers.addFile(file) }
        let variables = environment.filter { isConfigVariable($0.key) }.sorted { $0.key < $1.key }
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

    /// A config override is `UNDERSTUDY_<SECTION>__<KEY>…`; a variable that starts with a
    /// section's name is one too (so `UNDERSTUDY_SERVER_LISTEN`, a typo, is reported as an
    /// unknown key). Other `UNDERSTUDY_` variables (`UNDERSTUDY_E2E_REQUIRED`, used by the
    /// tests) are not config and are left alone.
    static func isConfigVariable(_ name: String) -> Bool {
        guard name.hasPrefix(environmentPrefix) else { return false }
        let rest = name.dropFirst(environmentPrefix.count)
        if rest.contains("__") { return true }
        let head = rest.split(separator: "_", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        return UnderstudyConfig.CodingKeys.allCases.contains { $0.stringValue == head }
    }

    /// `UNDERSTUDY_SERVER__KEEPALIVE__MAX_REQUESTS` → `["server", "keepalive", "max_requests"]`.
    static func environmentPath(_ name: String) -> [String] {
        name.dropFirst(environmentPrefix.count)
            .split(separator: "__", omittingEmptySubsequences: false)
            .map { $0.lowercased() }
    }
}
