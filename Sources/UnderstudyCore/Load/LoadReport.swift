import Histogram

/// What a load run counted: outcomes by status code and by error kind, pool behaviour,
/// and latency percentiles from an HdrHistogram (microseconds, 3 significant digits).
public struct LoadReport: Sendable {
    public var requests = 0
    public var statusCounts: [Int: Int] = [:]
    public var errorCounts: [String: Int] = [:]
    /// Turns that found their connection still busy with the previous request.
    public var skippedBusy = 0
    /// Turns whose time passed while the process could not run (stopped, starved of CPU):
    /// skipped, not sent back to back.
    public var skippedLate = 0
    /// Connections opened, reconnects included.
    public var connectionsOpened = 0
    /// Idle pooled connections the server closed (reopened at their next turn).
    public var serverCloses = 0
    /// Requests sent on a connection kept from an earlier request.
    public var reusedRequests = 0
    public var elapsedNanoseconds: UInt64 = 0
    public var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    public var wasInterrupted = false

    public var responses: Int { statusCounts.values.reduce(0, +) }

    /// Latency at `percentile` (0-100), microseconds.
    public func latencyMicroseconds(atPercentile percentile: Double) -> UInt64 {
        latency.totalCount == 0 ? 0 : latency.valueAtPercentile(percentile)
    }

    public var maxLatencyMicroseconds: UInt64 { latency.totalCount == 0 ? 0 : latency.max }

    /// 0 when every request got a response, 1 otherwise.
    public var exitCode: Int32 { errorCounts.isEmpty && requests > 0 ? 0 : 1 }
}
