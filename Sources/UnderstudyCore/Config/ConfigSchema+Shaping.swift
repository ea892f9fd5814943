extension ConfigSchema {
    /// `tree` (one layer: the file, or one environment variable or flag wrapped at its key path)
    /// shaped for merging: keys the model does not declare are dropped with an issue each, a null
    /// section sets nothing, a lone value for a list key becomes a one-element list, and list
    /// items that are sections start from their defaults.
    func shape(_ tree: ConfigTree, at path: [String] = [], issues: inout [ConfigIssue]) -> ConfigTree {
        switch self {
        case .section(let keys, _):
            if tree.isNull { return .map([]) }
            guard case .map(let pairs) = tree else {
                issues.append(ConfigIssue(path, "expected a mapping with keys: \(keyList), got \(tree.summary)"))
                return .map([])
            }
            var kept: [(key: String, value: ConfigTree)] = []
            for (key, value) in pairs {
                guard let childSchema = keys.first(where: { $0.key == key })?.schema else {
                    let owner = path.isEmpty ? "the top level" : dottedKey(path)
                    issues.append(ConfigIssue(path + [key], "unknown key (\(owner) has: \(keyList))"))
                    continue
                }
                kept.append((key: key, value: childSchema.shape(value, at: path + [key], issues: &issues)))
            }
            return .map(kept)
        case .sections(let element):
            if tree.isNull { return .list([]) }
            guard case .list(let items) = tree else {
                issues.append(ConfigIssue(path, "expected a list, got \(tree.summary)"))
                return .list([])
            }
            return .list(items.enumerated().map { index, item in
                element.filled(element.shape(item, at: path + ["[\(index)]"], issues: &issues))
            })
        case .list:
            if tree.isNull { return .list([]) }
            if case .scalar = tree { return .list([tree]) }
            return tree
        case .scalar, .text:
            return tree
        }
    }
}
