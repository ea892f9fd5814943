/// Reads a rule from its YAML or JSON form, strictly: unknown fields, wrong types and values
/// out of range are refused with the field and the reason; nothing is guessed.
extension FaultRule {
    static let fieldNames = ["name", "match", "delay", "when", "respond", "connection", "probability", "schedule",
                             "limit", "enabled"]

    public init(parsing value: JSONValue, maxDelay: Duration) throws(FaultRuleError) {
        var fields = try FieldReader(object: value)
        guard let nameValue = fields["name"] else { throw FaultRuleError(field: "name", "required") }
        self.init(name: try Self.parseName(nameValue))
        if let match = fields["match"] { self.match = try nested("match") { () throws(FaultRuleError) in try FaultMatch(parsing: match) } }
        if let delay = fields["delay"] {
            self.delay = try nested("delay") { () throws(FaultRuleError) in try DelaySpec(parsing: delay, maxDelay: maxDelay) }
        }
        if let when = fields["when"] {
            guard let text = when.scalarText, let timing = DelayTiming(rawValue: text) else {
                throw FaultRuleError(field: "when", "expected before or after_effect, got \(when.jsonText)")
            }
            guard delay != nil else { throw FaultRuleError(field: "when", "applies to a delay; this rule has none") }
            self.when = timing
        }
        if let respond = fields["respond"] { action = .respond(try nested("respond") { () throws(FaultRuleError) in try CannedResponse(parsing: respond) }) }
        if let connection = fields["connection"] {
            guard action == nil else {
                throw FaultRuleError(field: "connection", "a rule has one action: respond or connection, not both")
            }
            action = .connection(try nested("connection") { () throws(FaultRuleError) in try ConnectionFault(parsing: connection, maxDelay: maxDelay) })
        }
        if delay == nil && action == nil {
            throw FaultRuleError(field: "", "expected at least one of delay, respond, connection")
        }
        if let probability = fields["probability"] {
            guard let chance = probability.number, (0...1).contains(chance) else {
                throw FaultRuleError(field: "probability", "expected a number 0-1, got \(probability.jsonText)")
            }
            self.probability = chance
        }
        if let schedule = fields["schedule"] { self.schedule = try nested("schedule") { () throws(FaultRuleError) in try FaultSchedule(parsing: schedule) } }
        if let limit = fields["limit"] {
            guard let count = limit.number, let whole = Int(exactly: count), whole >= 0 else {
                throw FaultRuleError(field: "limit", "expected an integer >= 0, got \(limit.jsonText)")
            }
            self.limit = whole
        }
        if let enabled = fields["enabled"] {
            guard let flag = enabled.bool else {
                throw FaultRuleError(field: "enabled", "expected true or false, got \(enabled.jsonText)")
            }
            self.enabled = flag
        }
        try fields.rejectUnread(expected: Self.fieldNames)
    }

    /// Names go into URLs (`/api/faults/{name}`) and metric labels: short, plain.
    private static func parseName(_ value: JSONValue) throws(FaultRuleError) -> String {
        guard case .string(let name) = value, !name.isEmpty, name.utf8.count <= 64,
              name.utf8.allSatisfy({ isNameCharacter($0) }) else {
            throw FaultRuleError(field: "name", "expected 1-64 letters, digits, '.', '_' or '-', got \(value.jsonText)")
        }
        // `/api/faults/.` and `/api/faults/..` are other paths to every HTTP client.
        if name == "." || name == ".." {
            throw FaultRuleError(field: "name", "expected a name that is not \"\(name)\" (it could not be used in a URL path)")
        }
        return name
    }
}

/// Reads an object's fields once each and reports the ones nobody asked for.
struct FieldReader {
    private let members: [JSONValue.Member]
    private var read: Set<String> = []

    init(members: [JSONValue.Member]) { self.members = members }

    /// The fields of `value`, which must be an object.
    init(object value: JSONValue) throws(FaultRuleError) {
        guard let members = value.members else { throw FaultRuleError(field: "", "expected an object, got \(value.kind)") }
        self.init(members: members)
    }

    /// The field `key`, which must be there.
    mutating func required(_ key: String) throws(FaultRuleError) -> JSONValue {
        guard let field = self[key] else { throw FaultRuleError(field: key, "required") }
        return field
    }

    subscript(key: String) -> JSONValue? {
        mutating get {
            read.insert(key)
            return members.last(where: { $0.key == key })?.value
        }
    }

    func rejectUnread(expected: [String]) throws(FaultRuleError) {
        if let unknown = members.first(where: { !read.contains($0.key) }) {
            throw FaultRuleError(field: unknown.key, "unknown field (expected \(expected.joined(separator: ", ")))")
        }
    }
}

/// Runs `body`, moving a field error it throws one level down, under `parent`.
func nested<T>(_ parent: String, _ body: () throws(FaultRuleError) -> T) throws(FaultRuleError) -> T {
    do { return try body() } catch { throw error.nested(in: parent) }
}

/// Letters, digits, `.`, `_`, `-`: what rule names may use.
func isNameCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
        true
    default:
        false
    }
}
