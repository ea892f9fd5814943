/// A rule back in its YAML/JSON form (`GET /api/faults`, `understudy check`): the same
/// shape it was written in, defaults left out, so it parses back to an equal rule.
extension FaultRule {
    public var jsonValue: JSONValue {
        var members = [JSONValue.Member("name", .string(name))]
        if match != FaultMatch() { members.append(.init("match", match.jsonValue)) }
        if let delay {
            members.append(.init("delay", delay.jsonValue))
            if when != .before { members.append(.init("when", .string(when.rawValue))) }
        }
        switch action {
        case .respond(let response): members.append(.init("respond", response.jsonValue))
        case .connection(let fault): members.append(.init("connection", fault.jsonValue))
        case nil: break
        }
        if probability != 1 { members.append(.init("probability", .number(probability))) }
        if let schedule { members.append(.init("schedule", schedule.jsonValue)) }
        if let limit { members.append(.init("limit", .number(Double(limit)))) }
        members.append(.init("enabled", .bool(enabled)))
        return .object(members)
    }
}

extension Duration {
    /// `250ms`, `1m`: as a duration string value.
    var jsonValue: JSONValue { .string(ConfigDuration(self).description) }
}

extension FaultMatch {
    var jsonValue: JSONValue {
        var members: [JSONValue.Member] = []
        if let path { members.append(.init("path", .string(path.description))) }
        if methods.count == 1 { members.append(.init("method", .string(methods[0]))) }
        if methods.count > 1 { members.append(.init("method", .array(methods.map(JSONValue.string)))) }
        if !headers.isEmpty { members.append(.init("header", .object(headers.map { .init($0.name, .string($0.value.description)) }))) }
        if !query.isEmpty { members.append(.init("query", .object(query.map { .init($0.name, .string($0.value.description)) }))) }
        if let sqsAction { members.append(.init("sqs_action", .string(sqsAction.description))) }
        if let queue { members.append(.init("queue", .string(queue.description))) }
        return .object(members)
    }
}

extension DelaySpec {
    var jsonValue: JSONValue {
        switch self {
        case .fixed(let value):
            value.jsonValue
        case .uniform(let low, let high):
            .object([.init("uniform", .array([low.jsonValue, high.jsonValue]))])
        case .normal(let mean, let stddev):
            .object([.init("normal", .object([.init("mean", mean.jsonValue), .init("stddev", stddev.jsonValue)]))])
        case .lognormal(let median, let sigma):
            .object([.init("lognormal", .object([.init("median", median.jsonValue), .init("sigma", .number(sigma))]))])
        case .exponential(let mean):
            .object([.init("exponential", .object([.init("mean", mean.jsonValue)]))])
        }
    }
}

extension CannedResponse {
    var jsonValue: JSONValue {
        var members: [JSONValue.Member] = []
        if let sqsError { members.append(.init("sqs_error", .string(sqsError))) }
        if sqsError == nil || hasStatus { members.append(.init("status", .number(Double(status)))) }
        if !headers.isEmpty { members.append(.init("headers", .object(headers.map { .init($0.name, .string($0.value)) }))) }
        if !body.isEmpty { members.append(.init("body", .string(body))) }
        return .object(members)
    }
}

extension ConnectionFault {
    var jsonValue: JSONValue {
        switch self {
        case .reset, .close, .stall:
            .string(name)
        case .trickle(let bytes, let every):
            .object([.init(name, .object([.init("bytes", .number(Double(bytes))), .init("every", every.jsonValue)]))])
        case .truncate(let bytes):
            .object([.init(name, .object([.init("bytes", .number(Double(bytes)))]))])
        case .slowHead(let delay):
            .object([.init(name, .object([.init("delay", delay.jsonValue)]))])
        }
    }
}

extension FaultSchedule {
    var jsonValue: JSONValue {
        var members: [JSONValue.Member] = []
        if after != .zero { members.append(.init("after", after.jsonValue)) }
        if let duration { members.append(.init("for", duration.jsonValue)) }
        if let every { members.append(.init("every", every.jsonValue)) }
        return .object(members)
    }
}
