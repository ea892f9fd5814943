/// The kinds of event `GET /api/events` sends (PRODUCT.md, Admin plane): the SSE `event:`
/// names, the same past-tense names the JSON logs use.
public enum LiveEventType: String, CaseIterable, Sendable {
    case requestCompleted = "request_completed"
    case connectionOpened = "connection_opened"
    case connectionClosed = "connection_closed"
    case healthAnswered = "health_answered"
    case faultFired = "fault_fired"
    case slotChanged = "slot_changed"
    case queueChanged = "queue_changed"
    /// The gateway's targets: state, requests, in flight.
    case targetChanged = "target_changed"
    case stats
    /// Sent to a resuming subscriber whose missed events are no longer all in the buffer.
    case gap

    /// Kinds that happen once per request or connection: sampled to at most
    /// `admin.events.max_per_second` each, so a browser keeps up with a busy data plane.
    static let sampled: [LiveEventType] = [.requestCompleted, .connectionOpened, .connectionClosed, .healthAnswered, .faultFired]

    /// The position in `allCases`, for per-kind tables.
    var index: Int {
        switch self {
        case .requestCompleted: 0
        case .connectionOpened: 1
        case .connectionClosed: 2
        case .healthAnswered: 3
        case .faultFired: 4
        case .slotChanged: 5
        case .queueChanged: 6
        case .targetChanged: 7
        case .stats: 8
        case .gap: 9
        }
    }

    /// The index of a sampled kind in per-kind counters, nil for the others (the sampled
    /// kinds are the first cases, so it is their `index`).
    var sampledIndex: Int? { index < Self.sampled.count ? index : nil }
}
