import UnderstudyNet

/// When a rule is active, relative to its epoch (server start for config rules, creation
/// for rules added through the admin API): from `after`, for `for` (forever if nil),
/// repeating every `every` (once if nil). `{after: 30s, for: 10s, every: 60s}` is active
/// 30–40 s, 90–100 s, … after the epoch: flapping.
public struct FaultSchedule: Equatable, Sendable {
    public var after: Duration = .zero
    public var duration: Duration?
    public var every: Duration?

    public init(after: Duration = .zero, for duration: Duration? = nil, every: Duration? = nil) {
        self.after = after
        self.duration = duration
        self.every = every
    }

    /// True when `elapsed` (since the epoch) falls inside an active window.
    public func isActive(elapsed: Duration) -> Bool {
        guard elapsed >= after else { return false }
        guard let duration else { return true }
        var offset = elapsed - after
        if let every, every > .zero {
            offset = .nanoseconds(offset.nanosecondsClamped % every.nanosecondsClamped)
        }
        return offset < duration
    }
}
