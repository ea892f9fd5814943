import UnderstudyHTTP

/// What fault matchers look at in one request, worked out only when a rule asks: the
/// query is parsed the first time a `query` matcher needs it. The SQS API adds the
/// action and queue it decoded. A value on the stack: matching allocates nothing.
struct RequestFacts {
    let request: HTTPRequest
    let sqsAction: String?
    let queue: String?
    private var parsedQuery: [(name: String, value: String)]?

    init(_ request: HTTPRequest, sqsAction: String? = nil, queue: String? = nil) {
        self.request = request
        self.sqsAction = sqsAction
        self.queue = queue
    }

    var queryParameters: [(name: String, value: String)] {
        mutating get {
            if let parsedQuery { return parsedQuery }
            let parsed = URLEncoding.formPairs(request.head.query)
            parsedQuery = parsed
            return parsed
        }
    }
}
