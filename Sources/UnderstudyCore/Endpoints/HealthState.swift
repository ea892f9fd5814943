import Synchronization

/// What `/health` answers, changeable at run time (`PUT /api/health` merges fields,
/// `DELETE` restores the configured answer). Shared by every loop; read once per request.
public final class HealthState: Sendable {
    /// One complete answer.
    public struct Answer: Equatable, Sendable {
        public var status: Int
        public var body: String
        public var contentType: String
        public var delay: Duration

        public init(status: Int, body: String, contentType: String, delay: Duration) {
            self.status = status
            self.body = body
            self.contentType = contentType
            self.delay = delay
        }
    }

    /// A partial update, as `PUT /api/health` sends it.
    public struct Change: Sendable {
        public var status: Int?
        public var body: String?
        public var contentType: String?
        public var delay: Duration?
        public init(status: Int? = nil, body: String? = nil, contentType: String? = nil, delay: Duration? = nil) {
            self.status = status
            self.body = body
            self.contentType = contentType
            self.delay = delay
        }
    }

    public let configured: Answer
    private let current: Mutex<Answer>

    public init(configured: Answer) {
        self.configured = configured
        self.current = Mutex(configured)
    }

    public var answer: Answer { current.withLock { $0 } }

    @discardableResult
    public func apply(_ change: Change) -> Answer {
        current.withLock { answer in
            if let status = change.status { answer.status = status }
            if let body = change.body { answer.body = body }
            if let contentType = change.contentType { answer.contentType = contentType }
            if let delay = change.delay { answer.delay = delay }
            return answer
        }
    }

    @discardableResult
    public func restore() -> Answer {
        current.withLock { answer in
            answer = configured
            return answer
        }
    }
}
