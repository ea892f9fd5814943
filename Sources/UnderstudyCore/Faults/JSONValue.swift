import Foundation

/// A JSON or YAML value as the user wrote it: fault rules arrive in both (config file and
/// admin API), so one strict parser reads this instead of two `Decodable` models.
/// Object keys keep their order when encoding.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])
    /// A YAML scalar read as a number or boolean whose text says more than the value
    /// (`007`, `0x1F`, `yes`): where text is wanted (value globs, header values) the text
    /// as written is used, elsewhere the value.
    indirect case scalar(JSONValue, text: String)

    /// One key of an object.
    public struct Member: Equatable, Sendable {
        public var key: String
        public var value: JSONValue
        public init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
    }

    /// Decodes from YAML (the config file); keys keep the order the decoder reports.
    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            self = .object(try keyed.allKeys.map { Member($0.stringValue, try keyed.decode(JSONValue.self, forKey: $0)) })
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let bool = try? single.decode(Bool.self) {
            self = Self.keepingText(.bool(bool), text: try? single.decode(String.self))
        } else if let number = try? single.decode(Double.self) {
            self = Self.keepingText(.number(number), text: try? single.decode(String.self))
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// `value`, or `.scalar(value, text:)` when the text as written differs from the value's own.
    private static func keepingText(_ value: JSONValue, text: String?) -> JSONValue {
        guard let text, text != value.scalarText else { return value }
        return .scalar(value, text: text)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .scalar(let value, _):
            try value.encode(to: encoder)
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .number(let value):
            var single = encoder.singleValueContainer()
            if let integer = Int(exactly: value) { try single.encode(integer) } else { try single.encode(value) }
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let items):
            var unkeyed = encoder.unkeyedContainer()
            for item in items { try unkeyed.encode(item) }
        case .object(let members):
            var keyed = encoder.container(keyedBy: AnyKey.self)
            for member in members { try keyed.encode(member.value, forKey: AnyKey(stringValue: member.key)) }
        }
    }

    /// Compact JSON text, keys in their order (`JSONEncoder` does not keep it).
    public var jsonText: String {
        var text = ""
        Self.render(self, into: &text, indent: 0, pretty: false, escapeHTML: false)
        return text
    }

    /// The number, also when written in YAML as `1e3` or `0x1F`.
    var number: Double? {
        switch self {
        case .number(let value): value
        case .scalar(let value, _): value.number
        default: nil
        }
    }

    /// The boolean, also when written in YAML as `yes` or `on`.
    var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .scalar(let value, _): value.bool
        default: nil
        }
    }

    /// The members of an object, or nil.
    var members: [Member]? {
        if case .object(let members) = self { members } else { nil }
    }

    /// The value of `key` in an object.
    subscript(key: String) -> JSONValue? {
        members?.first(where: { $0.key == key })?.value
    }

    /// How the value is described in messages: `a string`, `a number`, ….
    var kind: String {
        switch self {
        case .scalar(let value, _): value.kind
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    /// A scalar as text: strings as they are, numbers without a needless `.0` (YAML reads
    /// `X-Version: 2` as a number where the user meant the text `2`), booleans as words.
    var scalarText: String? {
        switch self {
        case .scalar(_, let text): text
        case .string(let text): text
        case .number(let value): Int(exactly: value).map(String.init) ?? String(value)
        case .bool(let value): value ? "true" : "false"
        default: nil
        }
    }
}

/// A coding key made from any string.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
