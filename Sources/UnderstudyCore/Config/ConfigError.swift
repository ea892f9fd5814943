/// A config that cannot be used: where it came from, which key, and why — the first problem,
/// plus any others found in the same load. `description` is what `understudy` prints before exiting 2.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file path, `environment (UNDERSTUDY_X__Y)`, `flag`, or `defaults`.
    public var source: String
    /// Dotted key path (`server.keepalive.timeout`), or `(file)` / `(yaml)` for the file as a whole.
    public var key: String
    public var reason: String
    /// Problems found after this one in the same load (each with no `more` of its own).
    public var more: [ConfigError]

    public init(source: String, key: String, reason: String, more: [ConfigError] = []) {
        self.source = source
        self.key = key
        self.reason = reason
        self.more = more
    }

    /// Every problem found, this one first.
    public var errors: [ConfigError] {
        [ConfigError(source: source, key: key, reason: reason)] + more
    }

    /// `file: key: reason`, one line per problem.
    public var description: String {
        errors.map { "\($0.source): \($0.key): \($0.reason)" }.joined(separator: "\n")
    }

    /// One error carrying all of `errors` (which must not be empty).
    init(all errors: [ConfigError]) {
        let first = errors.first ?? ConfigError(source: "config", key: "(config)", reason: "invalid")
        self.init(source: first.source, key: first.key, reason: first.reason, more: Array(errors.dropFirst()))
    }
}

/// One problem found while loading, before the loader knows which source to blame.
struct ConfigIssue: Error {
    var path: [String]
    var reason: String
    /// The key whose source is blamed, when another key caused this one (`admin.listen` for `admin.token`).
    var blamedPath: [String]?

    init(_ path: [String], _ reason: String, blaming blamedPath: [String]? = nil) {
        self.path = path
        self.reason = reason
        self.blamedPath = blamedPath
    }

    /// For issues about the input as a whole rather than a key.
    init(key: String, _ reason: String) {
        self.init([key], reason)
    }

    var key: String { path.isEmpty ? "(top level)" : dottedKey(path) }
}
