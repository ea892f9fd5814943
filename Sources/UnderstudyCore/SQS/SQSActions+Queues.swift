/// Queue-level actions: the request's fields in, the result's fields out.
extension SQSActions {
    func createQueue(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try input.required("QueueName")
        let attributes = try input.stringMap("Attributes")
        let tags = Dictionary(try input.stringMap("tags").map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })
        let (_, ticket) = try store.createQueue(name, attributes: attributes, tags: tags)
        return Outcome(result: .object([.init("QueueUrl", .string(queueURL(name, context)))]), ticket: ticket)
    }

    func getQueueURL(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try input.required("QueueName")
        guard store.queueExists(name) else { throw .queueDoesNotExist() }
        return Outcome(result: .object([.init("QueueUrl", .string(queueURL(name, context)))]))
    }

    /// ListQueues: by prefix, at most 1000, paginated when MaxResults is given (the token
    /// is the last name returned).
    func listQueues(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let prefix = try input.string("QueueNamePrefix") ?? ""
        let maxResults = try input.integer("MaxResults", in: 1...1000, reason: "MaxResults must be an integer between 1 and 1000.")
        let token = try input.string("NextToken")
        var names = store.queueNames(prefix: prefix)
        if let token {
            guard let after = ListToken.decode(token) else { throw .invalidParameterValue("Invalid NextToken value.") }
            names = names.filter { $0 > after }
        }
        let page = Array(names.prefix(maxResults ?? 1000))
        var members: [JSONValue.Member] = []
        if !page.isEmpty { members.append(.init("QueueUrls", .array(page.map { .string(queueURL($0, context)) }))) }
        if let maxResults, names.count > maxResults, let last = page.last {
            members.append(.init("NextToken", .string(ListToken.encode(last))))
        }
        return Outcome(result: .object(members))
    }

    func getAttributes(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let wanted = try input.stringList("AttributeNames")
        let values = try store.attributes(of: name, names: wanted)
        guard !values.isEmpty else { return Outcome(result: .object([])) }
        return Outcome(result: .object([.init("Attributes", .object(values.map { .init($0.name, .string($0.value)) }))]))
    }

    func tagQueue(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let tags = try input.stringMap("Tags")
        guard !tags.isEmpty else { throw .missingParameter("Tags") }
        return Outcome(ticket: try store.changeTags(of: name, adding: Dictionary(tags.map { ($0.name, $0.value) },
                                                                                 uniquingKeysWith: { _, b in b })))
    }

    func listQueueTags(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let tags = try store.tags(of: try queueName(input, context))
        guard !tags.isEmpty else { return Outcome(result: .object([])) }
        return Outcome(result: .object([.init("Tags", .object(tags.keys.sorted().map { .init($0, .string(tags[$0]!)) }))]))
    }

    func listDeadLetterSources(_ input: SQSInput, _ context: Context) throws(SQSError) -> Outcome {
        let name = try queueName(input, context)
        let maxResults = try input.integer("MaxResults", in: 1...1000, reason: "MaxResults must be an integer between 1 and 1000.")
        var names = try store.deadLetterSources(of: name)
        if let token = try input.string("NextToken") {
            guard let after = ListToken.decode(token) else { throw .invalidParameterValue("Invalid NextToken value.") }
            names = names.filter { $0 > after }
        }
        let page = Array(names.prefix(maxResults ?? 1000))
        var members: [JSONValue.Member] = [.init("queueUrls", .array(page.map { .string(queueURL($0, context)) }))]
        if let maxResults, names.count > maxResults, let last = page.last {
            members.append(.init("NextToken", .string(ListToken.encode(last))))
        }
        return Outcome(result: .object(members))
    }
}

/// A pagination token: the last queue name of the page, base64 so clients treat it as opaque.
enum ListToken {
    static func encode(_ name: String) -> String { Data(name.utf8).base64EncodedString() }
    static func decode(_ token: String) -> String? {
        Data(base64Encoded: token).flatMap { String(data: $0, encoding: .utf8) }
    }
}

import Foundation
