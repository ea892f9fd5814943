import UnderstudyNet
import UnderstudyHTTP

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
    /// The answer and its response, built once per change rather than once per request.
    private let current: Locked<(answer: Answer, response: HTTPResponse)>

    public init(configured: Answer) {
        self.configured = configured
        self.current = Locked((configured, Self.response(for: configured)))
    }

    public var answer: Answer { current.withLock { $0.answer } }

    /// The current answer's response and delay, for `/health`.
    var responseAndDelay: (response: HTTPResponse, delay: Duration) {
        current.withLock { ($0.response, $0.answer.delay) }
    }

    @discardableResult
    public func apply(_ change: Change) -> Answer {
        current.withLock { current in
            var answer = current.answer
            if let status = change.status { answer.status = status }
            if let body = change.body { answer.body = body }
            if let contentType = change.contentType { answer.contentType = contentType }
            if let delay = change.delay { answer.delay = delay }
            current = (answer, Self.response(for: answer))
            return answer
        }
    }

    @discardableResult
    public func restore() -> Answer {
        current.withLock { current in
            current = (configured, Self.response(for: configured))
            return configured
        }
    }

    private static func response(for answer: Answer) -> HTTPResponse {
        HTTPResponse(status: answer.status, contentType: answer.contentType, body: answer.body)
    }
}
