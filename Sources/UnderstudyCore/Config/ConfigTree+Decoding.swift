import Yams

extension ConfigTree {
    /// Decodes the merged tree once; a failure names the key and what it expected, with the value found.
    func decode<T: Decodable>(_ type: T.Type) throws(ConfigIssue) -> T {
        do {
            return try YAMLDecoder().decode(type, from: node)
        } catch let error as DecodingError {
            throw issue(for: error)
        } catch {
            throw ConfigIssue(key: "(config)", "cannot decode: \(error)")
        }
    }

    private func issue(for error: DecodingError) -> ConfigIssue {
        switch error {
        case .typeMismatch(let type, let context):
            let path = Self.path(context.codingPath)
            return ConfigIssue(path, "expected \(Self.expectation(type)), got \(self[path]?.summary ?? "nothing")")
        case .dataCorrupted(let context):
            return ConfigIssue(Self.path(context.codingPath), context.debugDescription)
        case .keyNotFound(let key, let context):
            return ConfigIssue(Self.path(context.codingPath + [key]), "required")
        case .valueNotFound(_, let context):
            return ConfigIssue(Self.path(context.codingPath), "required")
        @unknown default:
            return ConfigIssue(key: "(config)", "\(error)")
        }
    }

    /// A coding path as tree path segments: keys, and `[i]` for list items.
    private static func path(_ codingPath: [any CodingKey]) -> [String] {
        codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
    }

    /// What a type mismatch wanted, in the user's words.
    private static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is any BinaryInteger.Type: "an integer"
        case is any BinaryFloatingPoint.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        case is Node.Sequence.Type: "a list"
        case is Node.Mapping.Type: "a mapping"
        case is Node.Scalar.Type: "a single value"
        default: "a value of type \(type)"
        }
    }
}
