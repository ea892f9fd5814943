import UnderstudyHTTP

/// What fault matchers look at in one request, worked out only when a rule asks: the
/// query is parsed the first time a `query` matcher needs it. The SQS API adds the
/// action and queue it decoded.
final class RequestFacts {
    let method: String
    let headers: HTTPHeaders
    private let rawQuery: Substring
    let sqsAction: String?
    let queue: String?

    init(_ request: HTTPRequest, sqsAction: String? = nil, queue: String? = nil) {
        method = request.method
        headers = request.headers
        rawQuery = request.head.query
        self.sqsAction = sqsAction
        self.queue = queue
    }

    private(set) lazy var queryParameters: [(name: String, value: String)] = URLEncoding.formPairs(rawQuery)
}
