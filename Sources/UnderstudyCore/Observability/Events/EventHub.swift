import Synchronization
import UnderstudyHTTP
import UnderstudyNet

/// The admin plane's event stream in one place: every loop publishes here, every
/// `GET /api/events` subscriber reads from here. Events are framed once (SSE `id:`,
/// `event:`, `data:`), kept in a bounded ring for `Last-Event-ID` resumes, and appended to
/// each subscriber's backlog; a subscriber whose backlog passes `maxBacklogBytes` is dropped
/// rather than let memory grow or the publisher wait. Publishing never blocks on a subscriber.
public final class EventHub: Sendable {
    /// How the stream behaves (`admin.events`).
    public struct Settings: Sendable {
        /// Sampled kinds (`LiveEventType.sampled`): at most this many events per second each.
        public var maxPerSecond = 100
        /// Events kept for resuming subscribers.
        public var bufferEvents = 1000
        /// A subscriber whose unsent events pass this is dropped.
        public var maxBacklogBytes = 1 << 20
        /// A comment line this often keeps idle streams (and the proxies between) open.
        public var heartbeat: Duration = .seconds(15)

        public init() {}
    }

    /// What a new subscriber gets: its id, and the bytes to send first (the `retry:` advice,
    /// then a `gap` and the missed events when it resumes).
    struct Subscription {
        let id: UInt64
        let initial: [UInt8]
    }

    /// A class, so appending to its backlog under the lock never copies the backlog.
    private final class Subscriber {
        let types: Set<LiveEventType>?
        var pending: [UInt8] = []
        /// A wake is posted and not yet answered by `take`: no second one is posted.
        var isWakeScheduled = false
        let wake: @Sendable () -> Void
        let drop: @Sendable () -> Void

        init(types: Set<LiveEventType>?, wake: @escaping @Sendable () -> Void, drop: @escaping @Sendable () -> Void) {
            self.types = types
            self.wake = wake
            self.drop = drop
        }

        func wants(_ type: LiveEventType) -> Bool { types?.contains(type) ?? true }
    }

    private struct State {
        var nextSequence: UInt64 = 1
        var ring: EventRing
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriberID: UInt64 = 1
    }

    public let settings: Settings
    /// Distinguishes this process's event ids from an earlier one's (`<boot>-<sequence>`),
    /// so a subscriber resuming across a restart is told it missed events.
    let boot: String
    /// `id: <boot>-`, and per kind `\nevent: <kind>\ndata: `: the fixed parts of a frame.
    private let idPrefix: [UInt8]
    private let typeLines: [[UInt8]]
    private let state: Locked<State>
    private let subscriberCount = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let windows = Locked<[LiveStatsWindow]>([])

    public init(settings: Settings = Settings()) {
        self.settings = settings
        boot = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
        idPrefix = Array("id: \(boot)-".utf8)
        typeLines = LiveEventType.allCases.map { Array("\nevent: \($0.rawValue)\ndata: ".utf8) }
        state = Locked(State(ring: EventRing(capacity: settings.bufferEvents)))
    }

    /// Subscribers connected now.
    public var subscribers: Int { subscriberCount.load(ordering: .relaxed) }
    /// Subscribers dropped for a backlog past `maxBacklogBytes`, since start.
    public var droppedSubscribers: Int { dropped.load(ordering: .relaxed) }

    // MARK: Publishing

    /// Frames `json` (one JSON object, its line's newline included or not) as an event of
    /// `type`, keeps it in the ring and hands it to the subscribers that want it.
    func publish(_ type: LiveEventType, json: [UInt8]) {
        var wakes: [@Sendable () -> Void] = []
        var drops: [@Sendable () -> Void] = []
        state.withLock { state in
            let sequence = state.nextSequence
            state.nextSequence += 1
            let frame = frame(type, sequence: sequence, json: json)
            state.ring.append(.init(sequence: sequence, type: type, frame: frame))
            deliver(frame, to: &state, wanting: type, wakes: &wakes, drops: &drops)
        }
        drops.forEach { $0() }
        wakes.forEach { $0() }
    }

    /// A comment line (`: heartbeat`) to every subscriber; not kept in the ring.
    func sendComment(_ text: String) {
        var wakes: [@Sendable () -> Void] = []
        var drops: [@Sendable () -> Void] = []
        let frame = Array(": \(text)\n\n".utf8)
        state.withLock { state in deliver(frame, to: &state, wanting: nil, wakes: &wakes, drops: &drops) }
        drops.forEach { $0() }
        wakes.forEach { $0() }
    }

    private func deliver(_ frame: [UInt8], to state: inout State, wanting type: LiveEventType?,
                         wakes: inout [@Sendable () -> Void], drops: inout [@Sendable () -> Void]) {
        var overflowing: [UInt64] = []
        for (id, subscriber) in state.subscribers where type.map(subscriber.wants) ?? true {
            if subscriber.pending.count + frame.count > settings.maxBacklogBytes {
                overflowing.append(id)
                continue
            }
            subscriber.pending.append(contentsOf: frame)
            if !subscriber.isWakeScheduled {
                subscriber.isWakeScheduled = true
                wakes.append(subscriber.wake)
            }
        }
        for id in overflowing {
            guard let subscriber = state.subscribers.removeValue(forKey: id) else { continue }
            subscriberCount.subtract(1, ordering: .relaxed)
            dropped.add(1, ordering: .relaxed)
            drops.append(subscriber.drop)
        }
    }

    /// Built from bytes made once (no string interpolation per event).
    private func frame(_ type: LiveEventType, sequence: UInt64, json: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(json.count + 64)
        frame.append(contentsOf: idPrefix)
        var digits: [UInt8] = []
        var rest = sequence
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        frame.append(contentsOf: digits.reversed())
        frame.append(contentsOf: typeLines[type.index])
        frame.append(contentsOf: json)
        if json.last != UInt8(ascii: "\n") { frame.append(UInt8(ascii: "\n")) }
        frame.append(UInt8(ascii: "\n"))
        return frame
    }

    // MARK: Subscribing

    /// Adds a subscriber for `types` (nil: all). `lastEventID` (the `Last-Event-ID` it
    /// resumes from) replays the events after it that the ring still holds, behind a `gap`
    /// event when some are gone or the id is from an earlier process. `wake` is called (from
    /// any thread) when events wait for `take`; `drop` when the backlog passed its bound.
    func subscribe(types: Set<LiveEventType>?, lastEventID: String?, retry: Duration = .seconds(1),
                   wake: @escaping @Sendable () -> Void, drop: @escaping @Sendable () -> Void) -> Subscription {
        state.withLock { state in
            var initial = Array("retry: \(retry.milliseconds)\n\n".utf8)
            if let lastEventID {
                initial += replay(after: lastEventID, from: state, types: types)
            }
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = Subscriber(types: types, wake: wake, drop: drop)
            subscriberCount.add(1, ordering: .relaxed)
            return Subscription(id: id, initial: initial)
        }
    }

    private func replay(after lastEventID: String, from state: State, types: Set<LiveEventType>?) -> [UInt8] {
        let wanted = { (entry: EventRing.Entry) in types?.contains(entry.type) ?? true }
        let parts = lastEventID.split(separator: "-", maxSplits: 1)
        let oldest = state.ring.oldestSequence ?? state.nextSequence
        var bytes: [UInt8] = []
        let resumeAfter: UInt64
        if parts.count == 2, parts[0] == boot, let sequence = UInt64(parts[1]), sequence < state.nextSequence {
            if sequence + 1 < oldest {
                bytes += gapFrame(reason: "overflow", missed: Int(oldest - sequence - 1))
            }
            resumeAfter = sequence
        } else {
            bytes += gapFrame(reason: "restart", missed: nil)
            resumeAfter = 0
        }
        for entry in state.ring.entries(after: resumeAfter) where wanted(entry) { bytes += entry.frame }
        return bytes
    }

    /// A `gap` event: not kept in the ring, and without an id (so it does not move the
    /// subscriber's `Last-Event-ID`).
    private func gapFrame(reason: String, missed: Int?) -> [UInt8] {
        var line = JSONLine()
        line.add("reason", reason)
        if let missed { line.add("missed", missed) }
        return Array("event: gap\ndata: ".utf8) + line.finish() + [UInt8(ascii: "\n")]
    }

    /// The events waiting for subscriber `id`, which may be woken again after this; nil once
    /// it is gone (dropped or unsubscribed).
    func take(_ id: UInt64) -> [UInt8]? {
        state.withLock { state in
            guard let subscriber = state.subscribers[id] else { return nil }
            let bytes = subscriber.pending
            subscriber.pending = []
            subscriber.isWakeScheduled = false
            return bytes
        }
    }

    func unsubscribe(_ id: UInt64) {
        state.withLock { state in
            if state.subscribers.removeValue(forKey: id) != nil { subscriberCount.subtract(1, ordering: .relaxed) }
        }
    }

    // MARK: Per-second statistics

    /// A loop's window of request statistics, read back by `collectStats`.
    func makeWindow(loops: Int) -> LiveStatsWindow {
        let window = LiveStatsWindow(budget: max(1, (settings.maxPerSecond + loops - 1) / max(loops, 1)))
        windows.withLock { $0.append(window) }
        return window
    }

    /// Every loop's window since the last call, merged; each window starts again.
    func collectStats() -> LiveStatsWindow.Totals {
        var totals = LiveStatsWindow.Totals()
        for window in windows.withLock({ $0 }) { totals.add(window.rollOver()) }
        return totals
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}

extension EventHub.Settings {
    /// From the `admin.events` section.
    public init(_ config: AdminEventsConfig) {
        maxPerSecond = config.maxPerSecond
        bufferEvents = config.buffer
        maxBacklogBytes = config.maxBacklog.bytes
        heartbeat = config.heartbeat.duration
    }
}
