import Foundation
import Testing
@testable import UnderstudyCore

@Suite struct DelayDistributionTests {
    /// 20,000 seeded samples: the median and quartiles land near the distribution's own.
    func quantiles(_ spec: DelaySpec, maximum: Duration = .seconds(600)) -> (q1: Double, median: Double, q3: Double, max: Double) {
        var random = SplitMix64(seed: 42)
        let samples = (0..<20_000).map { _ in spec.sample(maximum: maximum, using: &random).seconds }.sorted()
        return (samples[5_000], samples[10_000], samples[15_000], samples.last ?? 0)
    }

    @Test func uniformCoversItsRange() {
        let q = quantiles(.uniform(.seconds(1), .seconds(3)))
        #expect(abs(q.q1 - 1.5) < 0.05 && abs(q.median - 2) < 0.05 && abs(q.q3 - 2.5) < 0.05)
        #expect(q.max <= 3)
    }

    @Test func normalHasItsMeanAndSpread() {
        // Quartiles of a normal: mean ± 0.6745 σ.
        let q = quantiles(.normal(mean: .seconds(1), stddev: .milliseconds(200)))
        #expect(abs(q.median - 1) < 0.01)
        #expect(abs(q.q1 - (1 - 0.6745 * 0.2)) < 0.01 && abs(q.q3 - (1 + 0.6745 * 0.2)) < 0.01)
    }

    @Test func lognormalHasItsMedian() {
        // Quartiles: median × e^(± 0.6745 σ).
        let q = quantiles(.lognormal(median: .milliseconds(200), sigma: 0.5))
        #expect(abs(q.median - 0.2) < 0.005)
        #expect(abs(q.q3 - 0.2 * exp(0.6745 * 0.5)) < 0.01)
    }

    @Test func exponentialHasItsMedian() {
        // Median of an exponential: mean × ln 2.
        let q = quantiles(.exponential(mean: .seconds(1)))
        #expect(abs(q.median - 0.693) < 0.02)
    }

    @Test func samplesAreClampedToTheMaximum() {
        let q = quantiles(.exponential(mean: .seconds(10)), maximum: .seconds(5))
        #expect(q.max == 5)
        #expect(quantiles(.normal(mean: .zero, stddev: .seconds(1))).q1 == 0)   // never negative
    }

    @Test func aSeedRepeatsItsSamples() {
        var first = SplitMix64(seed: 7), second = SplitMix64(seed: 7)
        let spec = DelaySpec.lognormal(median: .milliseconds(100), sigma: 1)
        #expect((0..<100).map { _ in spec.sample(maximum: .seconds(60), using: &first) }
                == (0..<100).map { _ in spec.sample(maximum: .seconds(60), using: &second) })
    }
}

@Suite struct FaultScheduleTests {
    @Test(arguments: [
        (0, false), (29_999, false), (30_000, true), (39_999, true), (40_000, false),
        (89_999, false), (90_000, true), (99_999, true), (100_000, false),
    ])
    func flapsInItsWindows(_ elapsedMilliseconds: Int, _ active: Bool) {
        let schedule = FaultSchedule(after: .seconds(30), for: .seconds(10), every: .seconds(60))
        #expect(schedule.isActive(elapsed: .milliseconds(elapsedMilliseconds)) == active)
    }

    @Test func withoutForItStaysOn() {
        let schedule = FaultSchedule(after: .seconds(5))
        #expect(!schedule.isActive(elapsed: .seconds(4)))
        #expect(schedule.isActive(elapsed: .seconds(5000)))
    }

    @Test func withoutEveryItRunsOnce() {
        let schedule = FaultSchedule(after: .zero, for: .seconds(10))
        #expect(schedule.isActive(elapsed: .seconds(9)))
        #expect(!schedule.isActive(elapsed: .seconds(70)))
    }
}
