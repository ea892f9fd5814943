import Yams

/// A struct of the config model: its `CodingKeys` (a `CaseIterable` enum) list its YAML keys,
/// optional ones included, and `init()` gives its defaults; the schema is derived from both.
protocol ConfigSection: ConfigSchemaProviding, Codable {
    associatedtype CodingKeys: CodingKey & CaseIterable
    init()
}

/// A type that contributes a subtree to the schema instead of a single value.
protocol ConfigSchemaProviding {
    static var configSchema: ConfigSchema { get }
}

extension ConfigSection {
    /// Pairs each `CodingKeys` case with the property of the same name (`keepAlive` ↔ `keepalive`,
    /// `maxRequests` ↔ `max_requests`: compared without case and underscores) to learn its type.
    static var configSchema: ConfigSchema {
        var propertyTypes: [String: Any.Type] = [:]
        for child in Mirror(reflecting: Self()).children {
            if let label = child.label { propertyTypes[squashed(label)] = type(of: child.value) }
        }
        let keys = CodingKeys.allCases.map { key in
            (key: key.stringValue, schema: propertyTypes[squashed(key.stringValue)].map(ConfigSchema.of) ?? .scalar)
        }
        return .section(keys, defaults: defaultTree)
    }

    /// `Self()` encoded; empty if encoding fails (decoding then reports the missing keys).
    static var defaultTree: ConfigTree {
        guard let yaml = try? YAMLEncoder().encode(Self()), let node = try? compose(yaml: yaml) else { return .map([]) }
        return ConfigTree(node)
    }

    /// Property and key names compared loosely: lower case, no underscores.
    static func squashed(_ name: String) -> String {
        name.lowercased().filter { $0 != "_" }
    }

    /// Keys of `CodingKeys` that match no property by name (should be none; a test checks).
    static var unmatchedKeys: [String] {
        let labels = Set(Mirror(reflecting: Self()).children.compactMap { $0.label.map(squashed) })
        return CodingKeys.allCases.map(\.stringValue).filter { !labels.contains(squashed($0)) }
    }
}

/// Marks arrays, so a property of any array type is a `.list` key.
protocol ConfigListMarker {}
extension Array: ConfigListMarker {}
extension Optional: ConfigListMarker where Wrapped: ConfigListMarker {}

extension Optional: ConfigSchemaProviding where Wrapped: ConfigSchemaProviding {
    static var configSchema: ConfigSchema { Wrapped.configSchema }
}

extension Array: ConfigSchemaProviding where Element: ConfigSection {
    static var configSchema: ConfigSchema { .sections(Element.configSchema) }
}
