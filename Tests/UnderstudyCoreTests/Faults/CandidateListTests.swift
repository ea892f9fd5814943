import Testing
import UnderstudyHTTP
@testable import UnderstudyCore

/// The bit-mask prefilter never rules out a candidate whose own conditions hold (it may let
/// through more when a block has over four distinct lengths or header names; the full
/// matchers decide those).
@Suite struct CandidateListTests {
    func candidate(_ position: Int, minimum: Int32, requirements: UInt8, headerBits: UInt64) -> FaultCandidate {
        var candidate = FaultCandidate(position: position, match: FaultMatch())
        candidate.minimumPathLength = minimum
        candidate.requirements = requirements
        candidate.headerBits = headerBits
        return candidate
    }

    func admits(_ candidate: FaultCandidate, pathLength: Int32, present: UInt8, requestBits: UInt64) -> Bool {
        candidate.minimumPathLength <= pathLength && candidate.requirements & ~present == 0
            && candidate.headerBits & ~requestBits == 0
    }

    @Test(arguments: [1, 5, 64, 65, 150])
    func masksAgreeWithEachCandidate(count: Int) {
        var random = SplitMix64(seed: UInt64(count))
        for round in 0..<50 {
            let distinctLengths = round % 2 == 0 ? 3 : 12   // within and beyond the four inline steps
            let candidates = (0..<count).map { position in
                candidate(position, minimum: Int32.random(in: 0...Int32(distinctLengths), using: &random) * 3,
                          requirements: UInt8.random(in: 0...7, using: &random) & UInt8.random(in: 0...7, using: &random),
                          headerBits: Bool.random(using: &random) ? 0 : 1 << UInt64.random(in: 0..<(round % 3 == 0 ? 3 : 9), using: &random))
            }
            let list = CandidateList(candidates)
            for _ in 0..<20 {
                let pathLength = Int32.random(in: 0...40, using: &random)
                let present = UInt8.random(in: 0...7, using: &random)
                let requestBits = UInt64.random(in: 0...UInt64.max, using: &random) & 0x1FF
                var admitted: [Int] = []
                for block in 0..<list.blockCount {
                    var mask = list.plausible(block: block, pathLength: pathLength, present: present,
                                              requestBits: { requestBits })
                    while mask != 0 {
                        admitted.append(64 * block + mask.trailingZeroBitCount)
                        mask &= mask - 1
                    }
                }
                let exact = candidates.indices.filter {
                    admits(candidates[$0], pathLength: pathLength, present: present, requestBits: requestBits)
                }
                #expect(Set(exact).isSubset(of: Set(admitted)))
                if distinctLengths == 3 && round % 3 == 0 { #expect(admitted == exact) }   // exact within four steps
            }
        }
    }
}
