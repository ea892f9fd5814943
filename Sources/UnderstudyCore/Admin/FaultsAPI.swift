import UnderstudyHTTP

/// `GET|POST|DELETE /api/faults` and `GET|PUT|DELETE /api/faults/{name}`: the fault rules
/// at run time, in the same JSON shape as the `faults` config section. Changes apply to
/// the next request; invalid rules get 400 with the field and the reason, a taken name 409.
struct FaultsAPI {
    let rules: FaultRuleSet

    func handle(_ request: HTTPRequest, name: String?) -> HTTPResponse {
        guard let name else { return handleCollection(request) }
        switch request.method {
        case "GET", "HEAD":
            guard let active = rules.rule(named: name) else { return notFound(name) }
            return Self.json(active.rule.jsonValue)
        case "PUT":
            switch parse(request.body, expectedName: name) {
            case .failure(let error):
                return AdminResponse.error(400, error.reason, field: error.field.isEmpty ? nil : error.field)
            case .success(let rule):
                let created = rules.put(rule, as: name)
                return Self.json(rule.jsonValue, status: created ? 201 : 200)
            }
        case "DELETE":
            guard let active = rules.rule(named: name) else { return notFound(name) }
            do throws(FaultRuleSet.ChangeError) { try rules.remove(named: name) } catch { return notFound(name) }
            return Self.json(active.rule.jsonValue)
        default:
            return AdminResponse.error(405, "method \(request.method) not allowed", field: "method",
                                       headers: ["Allow": "GET, PUT, DELETE"])
        }
    }

    private func handleCollection(_ request: HTTPRequest) -> HTTPResponse {
        switch request.method {
        case "GET", "HEAD":
            return Self.json(section)
        case "POST":
            switch parse(request.body, expectedName: nil) {
            case .failure(let error):
                return AdminResponse.error(400, error.reason, field: error.field.isEmpty ? nil : error.field)
            case .success(let rule):
                do throws(FaultRuleSet.ChangeError) {
                    try rules.add(rule)
                } catch {
                    return AdminResponse.error(409, "a rule called \(rule.name) exists (PUT /api/faults/\(rule.name) replaces it)",
                                               field: "name")
                }
                return Self.json(rule.jsonValue, status: 201, headers: ["Location": "/api/faults/\(rule.name)"])
            }
        case "DELETE":
            rules.removeAll()
            return Self.json(section)
        default:
            return AdminResponse.error(405, "method \(request.method) not allowed", field: "method",
                                       headers: ["Allow": "GET, POST, DELETE"])
        }
    }

    /// The `faults` section as the config writes it.
    private var section: JSONValue {
        .object([.init("max_delay", rules.maxDelay.jsonValue), .init("client_headers", .bool(rules.clientHeaders)),
                 .init("rules", .array(rules.rules.map(\.rule.jsonValue)))])
    }

    /// A rule from a JSON body; under `PUT /api/faults/{name}` the name may be left out,
    /// and must match the path if given.
    private func parse(_ body: [UInt8], expectedName: String?) -> Result<FaultRule, FaultRuleError> {
        guard var value = JSONValue.parse(json: body) else {
            return .failure(FaultRuleError(field: "", "expected a JSON object (a fault rule)"))
        }
        if let expectedName, case .object(var members) = value {
            if let given = value["name"] {
                guard given == .string(expectedName) else {
                    return .failure(FaultRuleError(field: "name", "must match the name in the path (\(expectedName))"))
                }
            } else {
                members.insert(.init("name", .string(expectedName)), at: 0)
                value = .object(members)
            }
        }
        do throws(FaultRuleError) {
            return .success(try FaultRule(parsing: value, maxDelay: rules.maxDelay))
        } catch {
            return .failure(error)
        }
    }

    private func notFound(_ name: String) -> HTTPResponse {
        AdminResponse.error(404, "no fault rule called \(name)", field: "name")
    }

    static func json(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers, body: Array((value.jsonText + "\n").utf8))
        response.headers.set("Content-Type", "application/json")
        return response
    }
}
