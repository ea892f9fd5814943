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
    /// matcher tells them apart): equal names give equal bits, and it costs no byte reads.
    static func headerBit(_ name: String) -> UInt64 {
        1 << UInt64(name.utf8.count & 63)
    }

    /// The bits of every field name a request carries.
    static func headerBits(_ headers: HTTPHeaders) -> UInt64 {
        var bits: UInt64 = 0
        for field in headers { bits |= headerBit(field.name) }
        return bits
    }
}

/// One bucket's candidates in rule order, with bit masks (a bit per candidate, 64 per
/// block) that rule out at once every candidate a request cannot satisfy: a path shorter
/// than its glob's literals, a missing query, SQS facts or header field. With 100 rules of
/// which none can match `/health`, this is a few dozen instructions per request.
final class CandidateList: Sendable {
    let candidates: [FaultCandidate]
    let blocks: [Block]

    /// The masks of candidates `64 × n` to `64 × n + 63`.
    struct Block: Sendable {
        var all: UInt64 = 0
        /// Candidates needing each requirement bit (`Requirement`), by bit position.
        var needs: (UInt64, UInt64, UInt64) = (0, 0, 0)
        /// Distinct minimum path lengths, longest first, each with every candidate needing
        /// at least that much (cumulative).
        var lengths: [(minimum: Int32, mask: UInt64)] = []
        /// Distinct required header bits, each with the candidates that require it.
        var headers: [(bit: UInt64, mask: UInt64)] = []
    }

    init(_ candidates: [FaultCandidate]) {
        self.candidates = candidates
        var blocks: [Block] = []
        for start in stride(from: 0, to: candidates.count, by: 64) {
            var block = Block()
            let members = candidates[start..<min(start + 64, candidates.count)]
            for (offset, candidate) in members.enumerated() {
                let bit: UInt64 = 1 << UInt64(offset)
                block.all |= bit
                if candidate.requirements & FaultCandidate.Requirement.query != 0 { block.needs.0 |= bit }
                if candidate.requirements & FaultCandidate.Requirement.sqsAction != 0 { block.needs.1 |= bit }
                if candidate.requirements & FaultCandidate.Requirement.queue != 0 { block.needs.2 |= bit }
                var headerBits = candidate.headerBits
                while headerBits != 0 {
                    let headerBit = headerBits & (~headerBits &+ 1)
                    headerBits &= headerBits - 1
                    if let index = block.headers.firstIndex(where: { $0.bit == headerBit }) {
                        block.headers[index].mask |= bit
                    } else {
                        block.headers.append((headerBit, bit))
                    }
                }
            }
            let minimums = Set(members.map(\.minimumPathLength)).filter { $0 > 0 }.sorted(by: >)
            block.lengths = minimums.map { minimum in
                var mask: UInt64 = 0
                for (offset, candidate) in members.enumerated() where candidate.minimumPathLength >= minimum {
                    mask |= 1 << UInt64(offset)
                }
                return (minimum, mask)
            }
            blocks.append(block)
        }
        self.blocks = blocks
    }

    var isEmpty: Bool { candidates.isEmpty }

    /// The candidates of `block` that pass the integer checks, as bits (bit `i` is
    /// candidate `64 × block + i`). `headerBits` is worked out on first need and kept.
    func plausible(block index: Int, pathLength: Int32, present: UInt8, headers: () -> HTTPHeaders,
                   headerBits: inout UInt64?) -> UInt64 {
        blocks.withUnsafeBufferPointer { blocks in
            blocks[index].plausible(pathLength: pathLength, present: present, headers: headers, headerBits: &headerBits)
        }
    }
}

extension CandidateList.Block {
    /// See `CandidateList.plausible`; reads the step lists in place (no copies, no retains).
    @inline(__always)
    func plausible(pathLength: Int32, present: UInt8, headers: () -> HTTPHeaders, headerBits: inout UInt64?) -> UInt64 {
        var excluded: UInt64 = 0
        if present & FaultCandidate.Requirement.query == 0 { excluded |= needs.0 }
        if present & FaultCandidate.Requirement.sqsAction == 0 { excluded |= needs.1 }
        if present & FaultCandidate.Requirement.queue == 0 { excluded |= needs.2 }
        lengths.withUnsafeBufferPointer { steps in
            for step in steps {
                if step.minimum <= pathLength { break }
                excluded |= step.mask
            }
        }
        if all & ~excluded == 0 { return 0 }
        if !self.headers.isEmpty {
            let bits = headerBits ?? FaultCandidate.headerBits(headers())
            headerBits = bits
            self.headers.withUnsafeBufferPointer { requirements in
                for requirement in requirements where bits & requirement.bit == 0 { excluded |= requirement.mask }
            }
        }
        return all & ~excluded
    }
}
