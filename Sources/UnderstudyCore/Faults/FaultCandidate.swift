import UnderstudyHTTP

/// A rule in a candidate list, with the conditions a request must meet for it to match
/// reduced to plain integers, so that rules which cannot match are passed over in a few
/// instructions each, without touching the rule itself (fault matching stays under 2% of a
/// `/health` request with 100 rules loaded; see `Benchmarks/instructions.sh --with-config`).
/// Passing these checks is necessary, not sufficient: the full matchers run after them.
struct FaultCandidate {
    /// Index of the rule in `FaultIndex.rules`.
    var position: Int32
    /// The path glob's literal prefix and suffix lengths together.
    var minimumPathLength: Int32 = 0
    /// `Requirement` bits the request must have.
    var requirements: UInt8 = 0
    /// One bit per required header field name (`headerBit`); a request lacking one cannot match.
    var headerBits: UInt64 = 0

    /// What a request has, as bits: a query, a decoded SQS action, a queue.
    enum Requirement {
        static let query: UInt8 = 1
        static let sqsAction: UInt8 = 2
        static let queue: UInt8 = 4
    }

    init(position: Int, match: FaultMatch) {
        self.position = Int32(position)
        if let path = match.path { minimumPathLength = Int32(clamping: path.prefix.count + path.suffix.count) }
        for (name, _) in match.headers { headerBits |= Self.headerBit(name) }
        if !match.query.isEmpty { requirements |= Requirement.query }
        if match.sqsAction != nil { requirements |= Requirement.sqsAction }
        if match.queue != nil { requirements |= Requirement.queue }
    }

    /// A bit for a field name from its length (names of one length share a bit; the full
    /// matcher tells them apart): `HTTPHeaders.nameLengthBits` has a request's, from parsing.
    static func headerBit(_ name: String) -> UInt64 {
        HTTPHeaders.lengthBit(name.utf8.count)
    }
}

/// One bucket's candidates in rule order, with bit masks (a bit per candidate, 64 per
/// block) that rule out at once every candidate a request cannot satisfy: a path shorter
/// than its glob's literals, a missing query, SQS facts or header field. With 100 rules of
/// which none can match `/health`, this is a few dozen instructions per request.
final class CandidateList: Sendable {
    let candidates: [FaultCandidate]
    /// Candidates 0–63 (most lists have no more).
    let first: Block
    /// Blocks for candidates 64 and on.
    let rest: [Block]

    /// The masks of 64 candidates: plain values (four steps of each kind at most, inline), so
    /// reading one costs no reference counting. Steps left out only exclude less: the full
    /// matchers still decide.
    struct Block: Sendable {
        var all: UInt64 = 0
        /// Candidates needing each requirement bit (`Requirement`), by bit position.
        var needs: (UInt64, UInt64, UInt64) = (0, 0, 0)
        /// Up to four minimum path lengths, longest first, each with every candidate needing
        /// at least that much (cumulative masks); unused steps have minimum 0.
        var lengthMinimums: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        var lengthMasks: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        /// Up to four required header bits, each with the candidates that require it.
        var headerBits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var headerMasks: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        init() {}

        init(_ members: ArraySlice<FaultCandidate>) {
            var headers: [(bit: UInt64, mask: UInt64)] = []
            for (offset, candidate) in members.enumerated() {
                let bit: UInt64 = 1 << UInt64(offset)
                all |= bit
                if candidate.requirements & FaultCandidate.Requirement.query != 0 { needs.0 |= bit }
                if candidate.requirements & FaultCandidate.Requirement.sqsAction != 0 { needs.1 |= bit }
                if candidate.requirements & FaultCandidate.Requirement.queue != 0 { needs.2 |= bit }
                var required = candidate.headerBits
                while required != 0 {
                    let headerBit = required & (~required &+ 1)
                    required &= required - 1
                    if let index = headers.firstIndex(where: { $0.bit == headerBit }) {
                        headers[index].mask |= bit
                    } else {
                        headers.append((headerBit, bit))
                    }
                }
            }
            let padded = (headers.prefix(4) + Array(repeating: (bit: UInt64(0), mask: UInt64(0)), count: 4)).prefix(4)
            let h = Array(padded)
            headerBits = (h[0].bit, h[1].bit, h[2].bit, h[3].bit)
            headerMasks = (h[0].mask, h[1].mask, h[2].mask, h[3].mask)
            // Four thresholds spread over the distinct minimums, longest first.
            let distinct = Set(members.map(\.minimumPathLength)).filter { $0 > 0 }.sorted(by: >)
            let chosen = distinct.count <= 4 ? distinct
                : (0..<4).map { distinct[($0 * (distinct.count - 1)) / 3] }
            let steps = chosen.map { minimum -> (Int32, UInt64) in
                var mask: UInt64 = 0
                for (offset, candidate) in members.enumerated() where candidate.minimumPathLength >= minimum {
                    mask |= 1 << UInt64(offset)
                }
                return (minimum, mask)
            } + Array(repeating: (Int32(0), UInt64(0)), count: 4)
            lengthMinimums = (steps[0].0, steps[1].0, steps[2].0, steps[3].0)
            lengthMasks = (steps[0].1, steps[1].1, steps[2].1, steps[3].1)
        }

        /// The candidates that pass the integer checks, as bits; `requestBits` gives the
        /// request's `nameLengthBits` when a header requirement needs them.
        @inline(__always)
        func plausible(pathLength: Int32, present: UInt8, requestBits: () -> UInt64) -> UInt64 {
            var excluded: UInt64 = 0
            if present & FaultCandidate.Requirement.query == 0 { excluded |= needs.0 }
            if present & FaultCandidate.Requirement.sqsAction == 0 { excluded |= needs.1 }
            if present & FaultCandidate.Requirement.queue == 0 { excluded |= needs.2 }
            // Cumulative masks: the last step whose minimum exceeds the length says it all.
            if lengthMinimums.3 > pathLength { excluded |= lengthMasks.3 }
            else if lengthMinimums.2 > pathLength { excluded |= lengthMasks.2 }
            else if lengthMinimums.1 > pathLength { excluded |= lengthMasks.1 }
            else if lengthMinimums.0 > pathLength { excluded |= lengthMasks.0 }
            if all & ~excluded == 0 || headerBits.0 == 0 { return all & ~excluded }
            let bits = requestBits()
            if bits & headerBits.0 == 0 { excluded |= headerMasks.0 }
            if headerBits.1 != 0 && bits & headerBits.1 == 0 { excluded |= headerMasks.1 }
            if headerBits.2 != 0 && bits & headerBits.2 == 0 { excluded |= headerMasks.2 }
            if headerBits.3 != 0 && bits & headerBits.3 == 0 { excluded |= headerMasks.3 }
            return all & ~excluded
        }
    }

    init(_ candidates: [FaultCandidate]) {
        self.candidates = candidates
        first = Block(candidates.prefix(64))
        rest = stride(from: 64, to: candidates.count, by: 64).map { Block(candidates[$0..<min($0 + 64, candidates.count)]) }
    }

    var isEmpty: Bool { candidates.isEmpty }
    var blockCount: Int { 1 + rest.count }

    /// The candidates of block `index` that pass the integer checks, as bits (bit `i` is
    /// candidate `64 × index + i`).
    @inline(__always)
    func plausible(block index: Int, pathLength: Int32, present: UInt8, requestBits: () -> UInt64) -> UInt64 {
        if index == 0 {
            return first.plausible(pathLength: pathLength, present: present, requestBits: requestBits)
        }
        return rest.withUnsafeBufferPointer { blocks in
            blocks[index - 1].plausible(pathLength: pathLength, present: present, requestBits: requestBits)
        }
    }
}
