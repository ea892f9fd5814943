/// An immutable, compiled view of the rules for matching: rules are bucketed by the literal
/// first segment of their path glob (`/api/*` → `api`), so a request only looks at rules
/// that can match its path — with 100 rules on other paths, `/health` costs one hash of
/// `health` and an empty list. Rules whose first segment is not literal (or that have no
/// path) are in every bucket, in rule order.
public final class FaultIndex: Sendable {
    let rules: [ActiveFaultRule]
    private let table: SegmentTable
    /// Rules any path may match, in order.
    private let everyPath: [Int]

    init(_ rules: [ActiveFaultRule]) {
        self.rules = rules
        var literal: [[UInt8]: [Int]] = [:]
        var wildcard: [Int] = []
        for (index, active) in rules.enumerated() where active.rule.enabled {
            if let segment = active.rule.match.path.flatMap(Self.literalFirstSegment) {
                literal[segment, default: []].append(index)
            } else {
                wildcard.append(index)
            }
        }
        everyPath = wildcard
        // Each bucket: its own rules merged with the every-path ones, in rule order.
        table = SegmentTable(literal.map { segment, own in (segment, (own + wildcard).sorted()) })
    }

    var isEmpty: Bool { rules.isEmpty }

    /// Indices into `rules` that may match a request for `path` (percent-decoded), in order.
    func candidates(forPath path: UnsafeRawBufferPointer) -> [Int] {
        table.lookup(Self.firstSegment(of: path)) ?? everyPath
    }

    /// `/api/v1` → `api`; `/` → empty.
    static func firstSegment(of path: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let start = path.first == UInt8(ascii: "/") ? 1 : 0
        var end = start
        while end < path.count && path[end] != UInt8(ascii: "/") { end += 1 }
        return UnsafeRawBufferPointer(rebasing: path[start..<end])
    }

    /// The glob's first segment if it is plain text (`/api/*` → `api`; `/ap*` and `**` → nil).
    private static func literalFirstSegment(_ glob: Glob) -> [UInt8]? {
        let pattern = Array(glob.description.utf8)
        guard pattern.first == UInt8(ascii: "/") else { return nil }
        let segment = pattern.dropFirst().prefix { $0 != UInt8(ascii: "/") }
        return segment.contains(UInt8(ascii: "*")) ? nil : Array(segment)
    }
}

/// Byte strings to lists, looked up without building a `String`: FNV-1a into an
/// open-addressed table of twice the entries, then one byte comparison.
struct SegmentTable: Sendable {
    private let slots: [Int32]
    private let keys: [[UInt8]]
    private let values: [[Int]]
    private let mask: Int

    init(_ entries: [([UInt8], [Int])]) {
        var size = 4
        while size < entries.count * 2 { size <<= 1 }
        var slots = [Int32](repeating: -1, count: size)
        for (position, entry) in entries.enumerated() {
            var slot = entry.0.withUnsafeBytes { Self.hash($0) } & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(position)
        }
        self.slots = slots
        keys = entries.map(\.0)
        values = entries.map(\.1)
        mask = size - 1
    }

    func lookup(_ key: UnsafeRawBufferPointer) -> [Int]? {
        if keys.isEmpty { return nil }
        var slot = Self.hash(key) & mask
        while true {
            let position = Int(slots[slot])
            if position < 0 { return nil }
            if keys[position].withUnsafeBytes({ $0.elementsEqual(key) }) { return values[position] }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
