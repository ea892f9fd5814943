import UnderstudyHTTP

/// `GET /api/queues`, `GET /api/queues/{name}` (attributes, counts, tags and a peek at the
/// first 50 messages, or `?limit=N` up to 10,000, visibility unchanged) and `DELETE /api/queues/{name}/messages` (purge,
/// without SQS's once-a-minute rule: the operator means it).
struct QueuesAPI {
    let store: QueueStore

    /// The answer, and for a purge with storage the ticket it must wait for (a purge
    /// acknowledged before it is stored could come back after a `kill -9`).
    func handle(_ request: HTTPRequest, name: String?, messages: Bool) -> (response: HTTPResponse, ticket: UInt64?) {
        var ticket: UInt64?
        let response = answer(request, name: name, messages: messages, ticket: &ticket)
        return (response, ticket)
    }

    private func answer(_ request: HTTPRequest, name: String?, messages: Bool, ticket: inout UInt64?) -> HTTPResponse {
        guard let name else {
            guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed("GET, HEAD") }
            return AdminResponse.json(["queues": store.summaries()])
        }
        guard store.queueExists(name) else { return AdminResponse.error(404, "no queue called \(name)", field: "name") }
        if messages {
            guard request.method == "DELETE" else { return methodNotAllowed("DELETE") }
            let before = store.summaries().first { $0.name == name }
            ticket = (try? store.purge(name, enforcingInterval: false)) ?? nil
            let purged = before.map { $0.visible + $0.inFlight + $0.delayed } ?? 0
            return AdminResponse.json(["purged": purged])
        }
        guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed("GET, HEAD") }
        guard let summary = store.summaries().first(where: { $0.name == name }),
              let attributes = try? store.attributes(of: name, names: ["All"]),
              let tags = try? store.tags(of: name), let peek = store.peek(name, limit: Self.limit(request)) else {
            return AdminResponse.error(404, "no queue called \(name)", field: "name")
        }
        return AdminResponse.json(QueueDetail(summary: summary, arn: store.queueARN(name),
                                              attributes: Dictionary(attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                                              tags: tags, messages: peek))
    }

    /// `?limit=N` (1–10,000), else 50.
    private static func limit(_ request: HTTPRequest) -> Int {
        for pair in request.head.query.split(separator: "&") where pair.hasPrefix("limit=") {
            if let value = Int(pair.dropFirst(6)), value > 0 { return min(value, 10_000) }
        }
        return 50
    }

    private func methodNotAllowed(_ allow: String) -> HTTPResponse {
        AdminResponse.error(405, "method not allowed", field: "method", headers: ["Allow": allow])
    }

    /// One queue in detail.
    struct QueueDetail: Encodable {
        var summary: QueueSummary
        var arn: String
        var attributes: [String: String]
        var tags: [String: String]
        var messages: [PeekedMessage]

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(arn, forKey: .arn)
            try container.encode(attributes, forKey: .attributes)
            try container.encode(tags, forKey: .tags)
            try container.encode(messages, forKey: .messages)
        }

        enum Keys: String, CodingKey { case arn, attributes, tags, messages }
    }
}
