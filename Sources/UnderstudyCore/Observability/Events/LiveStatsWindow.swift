import Histogram
import UnderstudyNet

/// One data-plane loop's requests since the last `stats` event: count, statuses, latency
/// (HdrHistogram, µs), and the sampler that decides which per-request events go out. The
/// loop records under an uncontended lock; the admin loop rolls it over once a second.
final class LiveStatsWindow: Sendable {
    /// What a window (or all loops' windows) saw in one interval.
    struct Totals {
        var requests = 0
        /// Answers by status code, 0 to 599 (others count as 0).
        var statuses = [Int](repeating: 0, count: 600)
        var latency = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
                                        numberOfSignificantValueDigits: .two)
        /// Per sampled kind (`LiveEventType.sampledIndex`): events that happened, events sent.
        var seen = [Int](repeating: 0, count: LiveEventType.sampled.count)
        var sent = [Int](repeating: 0, count: LiveEventType.sampled.count)

        mutating func add(_ other: Totals) {
            requests += other.requests
            for index in statuses.indices where other.statuses[index] != 0 { statuses[index] += other.statuses[index] }
            if other.latency.totalCount > 0 { latency.add(other.latency) }
            for index in seen.indices {
                seen[index] += other.seen[index]
                sent[index] += other.sent[index]
            }
        }
    }

    private struct State {
        var totals = Totals()
        /// Per sampled kind: send every `stride`-th event, so a busy second is sampled
        /// across the second rather than only its first events.
        var strides = [Int](repeating: 1, count: LiveEventType.sampled.count)
    }

    /// Events of one sampled kind this loop may send per interval.
    let budget: Int
    private let state = Locked(State())

    init(budget: Int) {
        self.budget = budget
    }

    /// Counts a finished request; true if its `request_completed` event is to be sent.
    func record(status: Int, durationNanoseconds: UInt64) -> Bool {
        state.withLock { state in
            state.totals.requests += 1
            state.totals.statuses[(0..<600).contains(status) ? status : 0] += 1
            state.totals.latency.record(max(durationNanoseconds / 1_000, 1))
            return Self.admits(0, &state, budget: budget)
        }
    }

    /// Counts an event of a sampled kind; true if it is to be sent.
    func admits(_ type: LiveEventType) -> Bool {
        guard let index = type.sampledIndex else { return true }
        return state.withLock { Self.admits(index, &$0, budget: budget) }
    }

    private static func admits(_ index: Int, _ state: inout State, budget: Int) -> Bool {
        let seen = state.totals.seen[index]
        state.totals.seen[index] = seen + 1
        guard state.totals.sent[index] < budget, seen % state.strides[index] == 0 else { return false }
        state.totals.sent[index] += 1
        return true
    }

    /// The interval's totals; a new interval starts, sampling at the pace the last one saw.
    func rollOver() -> Totals {
        let fresh = Totals()
        return state.withLock { state in
            let totals = state.totals
            for index in state.strides.indices { state.strides[index] = max(1, totals.seen[index] / budget) }
            state.totals = fresh
            return totals
        }
    }
}
