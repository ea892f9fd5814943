#if canImport(Glibc)
import Glibc
#endif

/// An immutable, compiled view of the rules for matching: rules are bucketed by the literal
/// first segment of their path glob (`/api/*` → `api`), so a request only looks at rules
/// that can match its path — with 100 rules on other paths, `/health` costs one hash of
/// `health` and an empty list. Rules whose first segment is not literal (or that have no
/// path) are in every bucket, in rule order.
public final class FaultIndex: Sendable {
    let rules: [ActiveFaultRule]
    private let table: SegmentTable
    /// Rules any path may match, in order.
    private let everyPath: CandidateList

    init(_ rules: [ActiveFaultRule]) {
        self.rules = rules
        var literal: [[UInt8]: [FaultCandidate]] = [:]
        var wildcard: [FaultCandidate] = []
        for (index, active) in rules.enumerated() where active.rule.enabled {
            let candidate = FaultCandidate(position: index, match: active.rule.match)
            if let segment = active.rule.match.path.flatMap(Self.literalFirstSegment) {
                literal[segment, default: []].append(candidate)
            } else {
                wildcard.append(candidate)
            }
        }
        everyPath = CandidateList(wildcard)
        // Each bucket: its own rules merged with the every-path ones, in rule order.
        table = SegmentTable(literal.map { segment, own in
            (segment, CandidateList((own + wildcard).sorted { $0.position < $1.position }))
        })
    }

    var isEmpty: Bool { rules.isEmpty }

    /// The rules that may match a path whose first segment is `segment`.
    func candidates(forSegment segment: UnsafeRawBufferPointer) -> CandidateList {
        table.lookup(segment) ?? everyPath
    }

    /// `/api/v1` → `api`; `/` → empty.
    static func firstSegment(of path: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let base = path.baseAddress, path.count > 0 else { return path }
        let start = base.load(as: UInt8.self) == UInt8(ascii: "/") ? 1 : 0
        let rest = path.count - start
        guard let slash = memchr(base + start, Int32(UInt8(ascii: "/")), rest) else {
            return UnsafeRawBufferPointer(start: base + start, count: rest)
        }
        return UnsafeRawBufferPointer(start: base + start, count: UnsafeRawPointer(slash) - (base + start))
    }

    /// The glob's first segment if it is plain text (`/api/*` → `api`; `/ap*` and `**` → nil).
    private static func literalFirstSegment(_ glob: Glob) -> [UInt8]? {
        let pattern = Array(glob.description.utf8)
        guard pattern.first == UInt8(ascii: "/") else { return nil }
        let segment = pattern.dropFirst().prefix { $0 != UInt8(ascii: "/") }
        return segment.contains(UInt8(ascii: "*")) ? nil : Array(segment)
    }
}

/// Byte strings to lists, looked up without building a `String`: a hash of the length and
/// first eight bytes into an open-addressed table of twice the entries, then one `memcmp`.
struct SegmentTable: Sendable {
    /// A key and its list, in its slot; keys of up to eight bytes compare as one word.
    final class Entry: Sendable {
        let key: [UInt8]
        let word: UInt64
        let list: CandidateList
        init(key: [UInt8], list: CandidateList) {
            self.key = key
            self.word = key.withUnsafeBytes { SegmentTable.firstWord($0) }
            self.list = list
        }
    }

    private let slots: [Entry?]
    private let mask: Int

    init(_ entries: [([UInt8], CandidateList)]) {
        var size = 4
        while size < entries.count * 2 { size <<= 1 }
        var slots = [Entry?](repeating: nil, count: size)
        for (key, list) in entries {
            var slot = key.withUnsafeBytes { Self.hash(Self.firstWord($0), count: $0.count) } & (size - 1)
            while slots[slot] != nil { slot = (slot + 1) & (size - 1) }
            slots[slot] = Entry(key: key, list: list)
        }
        self.slots = slots
        mask = size - 1
    }

    func lookup(_ key: UnsafeRawBufferPointer) -> CandidateList? {
        let word = Self.firstWord(key)
        return slots.withUnsafeBufferPointer { slots in
            var slot = Self.hash(word, count: key.count) & mask
            while let entry = slots[slot] {
                if entry.word == word && entry.key.count == key.count {
                    if key.count <= 8 { return entry.list }
                    let equal = entry.key.withUnsafeBytes { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
                    if equal { return entry.list }
                }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// The first (up to) eight bytes as a word, zero-padded.
    static func firstWord(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var word: UInt64 = 0
        if let base = bytes.baseAddress { memcpy(&word, base, min(8, bytes.count)) }
        return word
    }

    /// The length and the first eight bytes, mixed (path segments differ early or in length).
    private static func hash(_ word: UInt64, count: Int) -> Int {
        var hash = (word ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 32
        return Int(truncatingIfNeeded: hash)
    }
}
