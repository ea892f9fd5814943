/// Header fields in arrival order, names as sent; lookups ignore ASCII case (RFC 9110 §5.1).
public struct HTTPHeaders: Sequence, Equatable, Sendable, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)
    public private(set) var fields: [Field] = []
    /// True when some field name starts with `X-Understudy-` (a client's fault request):
    /// noted while parsing, so the fault checkpoint scans the fields only when it is set.
    public private(set) var hasUnderstudyFields = false
    /// Bit `n % 64` set for every field name `n` bytes long: the fault prefilter tells from it,
    /// without reading the fields, that a request lacks a header a rule requires.
    public private(set) var nameLengthBits: UInt64 = 0

    public init() {}
    public init(_ fields: [Field]) {
        self.fields = fields
        hasUnderstudyFields = fields.contains { Self.isUnderstudyName($0.name.utf8) }
        for field in fields { nameLengthBits |= Self.lengthBit(field.name.utf8.count) }
    }
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (name: $0.0, value: $0.1) })
    }

    /// The parser's constructor: it has already classified the names.
    init(parsed fields: [Field], hasUnderstudyFields: Bool, nameLengthBits: UInt64) {
        self.fields = fields
        self.hasUnderstudyFields = hasUnderstudyFields
        self.nameLengthBits = nameLengthBits
    }

    /// The `nameLengthBits` bit of a name `count` bytes long.
    @inlinable public static func lengthBit(_ count: Int) -> UInt64 { 1 << UInt64(count & 63) }

    /// `X-Understudy-…`, ASCII case-insensitively.
    static func isUnderstudyName<Name: Collection<UInt8>>(_ name: Name) -> Bool {
        let prefix = "x-understudy-".utf8
        return name.count > prefix.count && zip(name, prefix).allSatisfy { asciiLowercase($0) == $1 }
    }

    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name, value))
        if Self.isUnderstudyName(name.utf8) { hasUnderstudyFields = true }
        nameLengthBits |= Self.lengthBit(name.utf8.count)
    }

    /// Replaces every field named `name` with one holding `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
        nameLengthBits = fields.reduce(0) { $0 | Self.lengthBit($1.name.utf8.count) }
    }

    /// The first value of `name`, if any.
    /// No field has this name's length: nothing to compare (`nameLengthBits` is kept by
    /// every mutation, so a missing header costs one AND, not a scan).
    @inline(__always)
    private func mayContain(_ name: String) -> Bool {
        nameLengthBits & Self.lengthBit(name.utf8.count) != 0
    }

    public subscript(name: String) -> String? {
        guard mayContain(name) else { return nil }
        return fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        guard mayContain(name) else { return [] }
        return fields.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    /// How many `name` fields there are; allocates nothing.
    public func count(of name: String) -> Int {
        guard mayContain(name) else { return 0 }
        var count = 0
        for field in fields where field.name.equalsIgnoringASCIICase(name) { count += 1 }
        return count
    }

    /// True if a `name` field lists `token` (ASCII case-insensitive); allocates nothing.
    public func contains(_ name: String, token: String) -> Bool {
        guard mayContain(name) else { return false }
        for field in fields where field.name.equalsIgnoringASCIICase(name) {
            for element in field.value.utf8.split(separator: UInt8(ascii: ",")) {
                var start = element.startIndex, end = element.endIndex
                while start < end, element[start] == 0x20 || element[start] == 0x09 { start = element.index(after: start) }
                while end > start {
                    let before = element.index(before: end)
                    guard element[before] == 0x20 || element[before] == 0x09 else { break }
                    end = before
                }
                if element[start..<end].elementsEqual(token.utf8, by: { asciiLowercase($0) == asciiLowercase($1) }) { return true }
            }
        }
        return false
    }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

extension String {
    /// ASCII case-insensitive equality on native strings: lengths first, then bytes.
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var a = self, b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for index in 0..<x.count where x[index] != y[index] {
                    let lower = x[index] | 0x20
                    guard lower == y[index] | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return false }
                }
                return true
            }
        }
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality, without allocating.
    public func equalsIgnoringASCIICase<Other: StringProtocol>(_ other: Other) -> Bool {
        var a = utf8.makeIterator()
        var b = other.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                if x == y { continue }
                if x | 0x20 != y | 0x20 { return false }
                let lower = x | 0x20
                if lower < UInt8(ascii: "a") || lower > UInt8(ascii: "z") { return false }
            default: return false
            }
        }
    }

    /// Without leading and trailing spaces and tabs (RFC 9110 §5.6.3's OWS).
    public func trimmingOWS() -> Substring {
        let string = String(self)[...]
        let start = string.firstIndex { $0 != " " && $0 != "\t" } ?? string.endIndex
        let end = string.lastIndex { $0 != " " && $0 != "\t" }.map(string.index(after:)) ?? start
        return start < end ? string[start..<end] : string[start..<start]
    }

    /// ASCII letters lowercased, other bytes as they are.
    public func lowercasedASCII() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

@inline(__always)
func asciiLowercase(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}
