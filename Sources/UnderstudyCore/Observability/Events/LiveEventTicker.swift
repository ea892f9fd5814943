import Foundation
import UnderstudyNet

/// The admin loop's clock for the event stream: a `stats` event every second, `slot_changed`
/// when the scoreboard or the connection states moved (checked ten times a second),
/// `queue_changed` per queue whose counts moved and `target_changed` when a gateway's
/// targets did (about three times a second), and the heartbeat comment. Reading shared
/// counters here keeps the data plane's hot path free of them.
final class LiveEventTicker {
    private let hub: EventHub
    private let loop: EventLoop
    private let plane: HTTPPlane
    /// `serve`'s queues; nil on the gateway.
    private let queues: QueueStore?
    /// The gateway's targets; nil on `serve`.
    private let targets: (() -> [TargetStatus])?
    private var lastTargets: [TargetStatus]?
    private var timestamps = TimestampFormatter()
    private var tick = 0
    private var lastStatsAt: UInt64
    private var lastHeartbeatAt: UInt64
    private var lastSlots: [Int] = []
    private var lastQueues: [String: QueueSummary] = [:]
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let tickInterval: Duration = .milliseconds(100)

    init(hub: EventHub, loop: EventLoop, plane: HTTPPlane, queues: QueueStore? = nil,
         targets: (() -> [TargetStatus])? = nil) {
        self.hub = hub
        self.loop = loop
        self.plane = plane
        self.queues = queues
        self.targets = targets
        lastStatsAt = loop.now
        lastHeartbeatAt = loop.now
    }

    /// Starts ticking; call on the loop. The ticker lives as long as its timer.
    func start() {
        lastStatsAt = loop.now
        lastHeartbeatAt = loop.now
        schedule()
    }

    private func schedule() {
        loop.schedule(after: Self.tickInterval) { [self] in
            fire()
            schedule()
        }
    }

    private func fire() {
        tick += 1
        let now = loop.now
        checkSlots()
        if tick % 3 == 0 {
            checkQueues()
            checkTargets()
        }
        if now &- lastStatsAt >= 995_000_000 {
            publishStats(elapsed: now &- lastStatsAt)
            lastStatsAt = now
        }
        if now &- lastHeartbeatAt >= UInt64(hub.settings.heartbeat.nanosecondsClamped) {
            lastHeartbeatAt = now
            if hub.subscribers > 0 { hub.sendComment("heartbeat") }
        }
    }

    private func startLine() -> JSONLine {
        var line = JSONLine()
        line.add("time") { timestamps.append(to: $0) }
        return line
    }

    private func json(_ value: some Encodable) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func scoreboard() -> (workers: String, connections: String) {
        (json(StateSnapshot.Workers(plane)), json(StateSnapshot.Connections(plane)))
    }

    /// The counts `slot_changed` reports, to compare without encoding them.
    private func scoreboardCounts() -> [Int] {
        let slots = plane.slotCounts(), connections = plane.connectionCounts()
        let pool = plane.workers?.snapshot
        return ConnectionState.allCases.flatMap { [slots[$0] ?? 0, connections[$0] ?? 0] }
            + [plane.openConnections, pool?.busy ?? 0, pool?.waiting ?? 0, pool?.acceptingPaused == true ? 1 : 0]
    }

    private func checkSlots() {
        let counts = scoreboardCounts()
        guard counts != lastSlots else { return }
        lastSlots = counts
        let (workers, connections) = scoreboard()
        var line = startLine()
        line.add("workers", json: workers)
        line.add("connections", json: connections)
        hub.publish(.slotChanged, json: line.finish())
    }

    private func checkTargets() {
        guard let targets else { return }
        let now = targets()
        guard now != lastTargets else { return }
        lastTargets = now
        var line = startLine()
        line.add("targets", json: json(now))
        hub.publish(.targetChanged, json: line.finish())
    }

    private func checkQueues() {
        guard let queues else { return }
        var seen: Set<String> = []
        for summary in queues.summaries() {
            seen.insert(summary.name)
            guard lastQueues[summary.name] != summary else { continue }
            lastQueues[summary.name] = summary
            var line = startLine()
            line.add("name", summary.name)
            line.add("fifo", summary.fifo)
            line.add("visible", summary.visible)
            line.add("in_flight", summary.inFlight)
            line.add("delayed", summary.delayed)
            line.add("sent", summary.sent)
            line.add("received", summary.received)
            line.add("deleted", summary.deleted)
            hub.publish(.queueChanged, json: line.finish())
        }
        for name in lastQueues.keys where !seen.contains(name) {
            lastQueues[name] = nil
            var line = startLine()
            line.add("name", name)
            line.add("removed", true)
            hub.publish(.queueChanged, json: line.finish())
        }
    }

    private func publishStats(elapsed: UInt64) {
        let totals = hub.collectStats()
        let (workers, connections) = scoreboard()
        var line = startLine()
        line.add("interval_s", thousandths: Int(elapsed / 1_000_000))
        line.add("requests", totals.requests)
        line.add("rps", thousandths: Int(Double(totals.requests) * 1e12 / Double(max(elapsed, 1))))
        if totals.requests > 0 {
            // Histogram values are µs; µs count as thousandths of a millisecond.
            line.add("p50_ms", thousandths: Int(totals.latency.valueAtPercentile(50)))
            line.add("p99_ms", thousandths: Int(totals.latency.valueAtPercentile(99)))
            line.add("max_ms", thousandths: Int(totals.latency.max))
        } else {
            line.addNull("p50_ms")
            line.addNull("p99_ms")
            line.addNull("max_ms")
        }
        var statuses = "{"
        for (status, count) in totals.statuses.enumerated() where count > 0 {
            statuses += "\(statuses.count > 1 ? "," : "")\"\(status)\":\(count)"
        }
        line.add("statuses", json: statuses + "}")
        line.add("connections", json: connections)
        line.add("workers", json: workers)
        var sampled = "{"
        for (index, type) in LiveEventType.sampled.enumerated() {
            sampled += "\(index > 0 ? "," : "")\"\(type.rawValue)\":{\"seen\":\(totals.seen[index]),\"sent\":\(totals.sent[index])}"
        }
        line.add("sampled", json: sampled + "}")
        line.add("draining", plane.shared.isDraining)
        line.add("subscribers", hub.subscribers)
        line.add("dropped_subscribers", hub.droppedSubscribers)
        hub.publish(.stats, json: line.finish())
    }
}
