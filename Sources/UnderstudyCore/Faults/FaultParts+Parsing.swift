/// Parsers for the parts of a rule; each throws with the field relative to itself.
extension JSONValue {
    /// A Go-style duration string (`250ms`, `1.5s`).
    func duration(_ field: String) throws(FaultRuleError) -> Duration {
        guard case .string(let text) = self, let parsed = try? ConfigDuration(parsing: text) else {
            throw FaultRuleError(field: field, "expected a duration like 250ms, got \(jsonText)")
        }
        return parsed.duration
    }

    func integer(_ field: String, atLeast minimum: Int) throws(FaultRuleError) -> Int {
        guard let number = self.number, let whole = Int(exactly: number), whole >= minimum else {
            throw FaultRuleError(field: field, "expected an integer >= \(minimum), got \(jsonText)")
        }
        return whole
    }

    /// An object with exactly one key (`{"uniform": …}`): the key and its value.
    func singleMember(_ field: String, choices: [String]) throws(FaultRuleError) -> JSONValue.Member {
        guard let members, members.count == 1, let member = members.first, choices.contains(member.key) else {
            throw FaultRuleError(field: field, "expected one of \(choices.joined(separator: ", ")), got \(jsonText)")
        }
        return member
    }
}

extension FaultMatch {
    init(parsing value: JSONValue) throws(FaultRuleError) {
        var fields = try FieldReader(object: value)
        self.init()
        if let path = fields["path"] {
            guard case .string(let pattern) = path, pattern.hasPrefix("/") || pattern.hasPrefix("*") else {
                throw FaultRuleError(field: "path", "expected a path glob starting with / (like /api/*), got \(path.jsonText)")
            }
            self.path = Glob(pattern, isPath: true)
        }
        if let method = fields["method"] {
            let names: [JSONValue] = if case .array(let items) = method { items } else { [method] }
            for name in names {
                guard case .string(let text) = name, !text.isEmpty, text.utf8.allSatisfy(isNameCharacter) else {
                    throw FaultRuleError(field: "method", "expected a method name or a list of them, got \(method.jsonText)")
                }
                methods.append(text.uppercased())
            }
        }
        headers = try Self.globMap(fields["header"], field: "header", names: "field names")
        query = try Self.globMap(fields["query"], field: "query", names: "parameter names")
        if let action = fields["sqs_action"] { sqsAction = try Self.glob(action, field: "sqs_action") }
        if let queue = fields["queue"] { self.queue = try Self.glob(queue, field: "queue") }
        try fields.rejectUnread(expected: ["path", "method", "header", "query", "sqs_action", "queue"])
    }

    private static func glob(_ value: JSONValue, field: String) throws(FaultRuleError) -> Glob {
        guard let text = value.scalarText else { throw FaultRuleError(field: field, "expected a string, got \(value.kind)") }
        return Glob(text, isPath: false)
    }

    private static func globMap(_ value: JSONValue?, field: String, names: String)
        throws(FaultRuleError) -> [(name: String, value: Glob)] {
        guard let value else { return [] }
        guard let members = value.members, !members.isEmpty else {
            throw FaultRuleError(field: field, "expected an object of \(names) to value globs, got \(value.jsonText)")
        }
        var result: [(name: String, value: Glob)] = []
        for member in members {
            result.append((member.key, try glob(member.value, field: "\(field).\(member.key)")))
        }
        return result
    }
}

extension DelaySpec {
    static let distributions = ["uniform", "normal", "lognormal", "exponential"]

    init(parsing value: JSONValue, maxDelay: Duration) throws(FaultRuleError) {
        if case .string = value {
            let fixed = try value.duration("")
            guard fixed <= maxDelay else {
                throw FaultRuleError(field: "", "\(ConfigDuration(fixed)) is above faults.max_delay (\(ConfigDuration(maxDelay)))")
            }
            self = .fixed(fixed)
            return
        }
        guard value.members != nil else {
            throw FaultRuleError(field: "", "expected a duration like 250ms or one of {uniform: [a, b]}, {normal: {mean, stddev}}, "
                                 + "{lognormal: {median, sigma}}, {exponential: {mean}}, got \(value.jsonText)")
        }
        let member = try value.singleMember("", choices: Self.distributions)
        self = try nested(member.key) { () throws(FaultRuleError) in try Self.distribution(member.key, member.value) }
    }

    private static func distribution(_ name: String, _ value: JSONValue) throws(FaultRuleError) -> DelaySpec {
        if name == "uniform" {
            guard case .array(let bounds) = value, bounds.count == 2 else {
                throw FaultRuleError(field: "", "expected [low, high], got \(value.jsonText)")
            }
            let low = try bounds[0].duration("[0]"), high = try bounds[1].duration("[1]")
            guard low <= high else { throw FaultRuleError(field: "", "expected low <= high, got \(value.jsonText)") }
            return .uniform(low, high)
        }
        var fields = try FieldReader(object: value)
        let result: DelaySpec
        let expected: [String]
        switch name {
        case "normal":
            result = .normal(mean: try fields.required("mean").duration("mean"), stddev: try fields.required("stddev").duration("stddev"))
            expected = ["mean", "stddev"]
        case "lognormal":
            let median = try fields.required("median").duration("median")
            let sigmaValue = try fields.required("sigma")
            guard let sigma = sigmaValue.number, sigma >= 0, sigma.isFinite else {
                throw FaultRuleError(field: "sigma", "expected a number >= 0, got \(sigmaValue.jsonText)")
            }
            result = .lognormal(median: median, sigma: sigma)
            expected = ["median", "sigma"]
        default:
            result = .exponential(mean: try fields.required("mean").duration("mean"))
            expected = ["mean"]
        }
        try fields.rejectUnread(expected: expected)
        return result
    }
}

extension CannedResponse {
    init(parsing value: JSONValue) throws(FaultRuleError) {
        var fields = try FieldReader(object: value)
        self.init()
        if let status = fields["status"] {
            guard let number = status.number, let code = Int(exactly: number), (100...599).contains(code) else {
                throw FaultRuleError(field: "status", "expected an integer 100-599, got \(status.jsonText)")
            }
            self.status = code
            hasStatus = true
        }
        if let code = fields["sqs_error"] {
            guard case .string(let text) = code, !text.isEmpty,
                  text.utf8.allSatisfy({ isTokenCharacter($0) || $0 == 0x23 }) else {
                throw FaultRuleError(field: "sqs_error", "expected an SQS error code like QueueDoesNotExist, got \(code.jsonText)")
            }
            sqsError = text
        }
        if let headers = fields["headers"] {
            guard let pairs = headers.members else {
                throw FaultRuleError(field: "headers", "expected an object of field names to values, got \(headers.jsonText)")
            }
            for pair in pairs {
                guard !pair.key.isEmpty, pair.key.utf8.allSatisfy(isTokenCharacter) else {
                    throw FaultRuleError(field: "headers.\(pair.key)", "not a valid header field name")
                }
                // The server frames every response itself; a rule's framing fields would corrupt it.
                guard !["content-length", "transfer-encoding", "connection"].contains(pair.key.lowercased()) else {
                    throw FaultRuleError(field: "headers.\(pair.key)", "set by the server; a rule cannot set it")
                }
                guard let text = pair.value.scalarText, !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                    throw FaultRuleError(field: "headers.\(pair.key)", "expected a one-line string, got \(pair.value.jsonText)")
                }
                self.headers.append((pair.key, text))
            }
        }
        if let body = fields["body"] {
            switch body {
            case .string(let text): self.body = text
            case .object, .array:
                self.body = body.jsonText
                if !self.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                    self.headers.append(("Content-Type", "application/json"))
                }
            default:
                guard let text = body.scalarText else { throw FaultRuleError(field: "body", "expected a string or JSON, got \(body.kind)") }
                self.body = text
            }
        }
        if sqsError != nil && !body.isEmpty {
            throw FaultRuleError(field: "body", "sqs_error writes the body in the request's protocol; give one or the other")
        }
        try fields.rejectUnread(expected: ["status", "headers", "body", "sqs_error"])
    }
}

extension ConnectionFault {
    static let names = ["reset", "close", "stall", "trickle", "truncate", "slow_head"]

    init(parsing value: JSONValue, maxDelay: Duration) throws(FaultRuleError) {
        switch value {
        case .string("reset"): self = .reset
        case .string("close"): self = .close
        case .string("stall"): self = .stall
        case .object:
            let member = try value.singleMember("", choices: ["trickle", "truncate", "slow_head"])
            self = try nested(member.key) { () throws(FaultRuleError) in
                try Self.parameterized(member.key, member.value, maxDelay: maxDelay)
            }
        default:
            throw FaultRuleError(field: "", "expected reset, close, stall, {trickle: {bytes, every}}, {truncate: {bytes}} "
                                 + "or {slow_head: {delay}}, got \(value.jsonText)")
        }
    }

    private static func parameterized(_ name: String, _ value: JSONValue, maxDelay: Duration) throws(FaultRuleError) -> ConnectionFault {
        var fields = try FieldReader(object: value)
        let result: ConnectionFault
        switch name {
        case "trickle":
            let bytes = try fields.required("bytes").integer("bytes", atLeast: 1)
            let every = try fields.required("every").duration("every")
            guard every > .zero else { throw FaultRuleError(field: "every", "expected a duration above 0s") }
            result = .trickle(bytes: bytes, every: every)
            try fields.rejectUnread(expected: ["bytes", "every"])
        case "truncate":
            result = .truncate(bytes: try fields.required("bytes").integer("bytes", atLeast: 0))
            try fields.rejectUnread(expected: ["bytes"])
        default:
            let delay = try fields.required("delay").duration("delay")
            guard delay <= maxDelay else {
                throw FaultRuleError(field: "delay", "\(ConfigDuration(delay)) is above faults.max_delay (\(ConfigDuration(maxDelay)))")
            }
            result = .slowHead(delay: delay)
            try fields.rejectUnread(expected: ["delay"])
        }
        return result
    }
}

extension FaultSchedule {
    init(parsing value: JSONValue) throws(FaultRuleError) {
        var fields = try FieldReader(object: value)
        self.init()
        if let after = fields["after"] { self.after = try after.duration("after") }
        if let duration = fields["for"] { self.duration = try duration.duration("for") }
        if let every = fields["every"] {
            let period = try every.duration("every")
            guard period > .zero else { throw FaultRuleError(field: "every", "expected a duration above 0s") }
            guard let duration = self.duration else { throw FaultRuleError(field: "for", "required with every") }
            guard duration <= period else {
                throw FaultRuleError(field: "for", "expected at most every (\(ConfigDuration(period))), got \(ConfigDuration(duration))")
            }
            self.every = period
        }
        try fields.rejectUnread(expected: ["after", "for", "every"])
    }
}

/// RFC 9110 §5.6.2 tchar.
func isTokenCharacter(_ byte: UInt8) -> Bool {
    isNameCharacter(byte) || "!#$%&'*+^`|~".utf8.contains(byte)
}
