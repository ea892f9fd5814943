/// One fault rule (PRODUCT.md, "Fault rules"): which requests it matches and what it does
/// to them. A rule combines at most a `delay` with one `respond` or `connection` action;
/// the delay comes first. Rules come from `faults.rules` and from `/api/faults`.
public struct FaultRule: Equatable, Sendable {
    public var name: String
    public var match = FaultMatch()
    public var delay: DelaySpec?
    public var when = DelayTiming.before
    public var action: FaultAction?
    /// Chance, 0–1, that a matching request fires the rule; losing the roll counts as not matching.
    public var probability = 1.0
    public var schedule: FaultSchedule?
    /// Fire at most this many times (then the rule stops matching).
    public var limit: Int?
    public var enabled = true

    public init(name: String) { self.name = name }
}

/// When a rule's delay applies.
public enum DelayTiming: String, Equatable, Sendable {
    /// Before the handler runs (nothing has happened yet when the client gives up).
    case before
    /// The handler runs and its effect is real; only its response is held back until the
    /// delay, counted from the request's arrival, has passed (the 60-second SendMessage).
    case afterEffect = "after_effect"
}

/// What a rule does instead of (or to) the handler's answer.
public enum FaultAction: Equatable, Sendable {
    /// Answers with this response; the handler does not run.
    case respond(CannedResponse)
    /// Does something to the connection (reset, close, stall, trickle, truncate, slow head).
    case connection(ConnectionFault)
}

/// A response a rule answers with: status, fields, body.
public struct CannedResponse: Equatable, Sendable {
    public var status = 200
    /// Header fields in the order given.
    public var headers: [(name: String, value: String)] = []
    public var body = ""
    /// `respond: {sqs_error: QueueDoesNotExist}`: answer an SQS request with this error in its
    /// own protocol's shape (`status` then overrides the error's usual status when given).
    public var sqsError: String?
    /// Whether `status` was given (with `sqs_error`, the error's own status applies otherwise).
    public var hasStatus = false

    public init() {}

    public static func == (a: CannedResponse, b: CannedResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
            && a.sqsError == b.sqsError && a.hasStatus == b.hasStatus
    }
}
