import Testing
@testable import UnderstudyCore

func ruleValue(_ json: String) -> JSONValue {
    guard let value = JSONValue.parse(json: Array(json.utf8)) else { preconditionFailure("bad JSON in test: \(json)") }
    return value
}

@Suite struct FaultRuleParsingTests {
    static let maxDelay = Duration.seconds(600)

    /// Every form the rule language has: parsed, encoded, parsed again, equal.
    @Test(arguments: [
        #"{"name":"slow-send","match":{"sqs_action":"SendMessage"},"delay":"60s","when":"after_effect"}"#,
        #"{"name":"flaky","match":{"path":"/api/*"},"respond":{"status":503,"body":"unavailable","headers":{"Retry-After":"1"}},"probability":0.2}"#,
        #"{"name":"cut","match":{"path":"/download/**"},"connection":"reset","schedule":{"after":"30s","for":"10s","every":"60s"}}"#,
        #"{"name":"t","connection":{"trickle":{"bytes":1,"every":"100ms"}}}"#,
        #"{"name":"t","connection":{"truncate":{"bytes":100}},"limit":3}"#,
        #"{"name":"t","connection":{"slow_head":{"delay":"2s"}},"enabled":false}"#,
        #"{"name":"t","connection":"stall"}"#,
        #"{"name":"t","connection":"close","match":{"method":["GET","post"],"header":{"X-Env":"stag*"},"query":{"id":"4*"}}}"#,
        #"{"name":"t","delay":{"uniform":["1s","3s"]}}"#,
        #"{"name":"t","delay":{"normal":{"mean":"200ms","stddev":"50ms"}}}"#,
        #"{"name":"t","delay":{"lognormal":{"median":"200ms","sigma":0.5}}}"#,
        #"{"name":"t","delay":{"exponential":{"mean":"1s"}},"respond":{"status":500}}"#,
        #"{"name":"t","match":{"queue":"orders-*"},"delay":"10m"}"#,
    ])
    func roundTrips(_ json: String) throws {
        let rule = try FaultRule(parsing: ruleValue(json), maxDelay: Self.maxDelay)
        let again = try FaultRule(parsing: rule.jsonValue, maxDelay: Self.maxDelay)
        #expect(again == rule)
        #expect(rule.jsonValue.jsonText.hasPrefix(#"{"name":"#))
    }

    @Test func readsTheDocumentedExample() throws {
        let rule = try FaultRule(parsing: ruleValue(
            #"{"name":"flaky","match":{"path":"/api/*","method":"get"},"delay":"250ms","respond":{"status":503,"body":{"ok":false}}}"#),
            maxDelay: Self.maxDelay)
        #expect(rule.name == "flaky")
        #expect(rule.match.methods == ["GET"])
        #expect(rule.delay == .fixed(.milliseconds(250)))
        guard case .respond(let canned) = rule.action else { Issue.record("no respond action"); return }
        #expect(canned.status == 503)
        #expect(canned.body == #"{"ok":false}"#)
        #expect(canned.headers.first { $0.name == "Content-Type" }?.value == "application/json")
    }

    /// Bad rules: the field and a reason that says what was expected.
    @Test(arguments: [
        (#"[]"#, "", "expected an object"),
        (#"{"match":{"path":"/x"},"delay":"1s"}"#, "name", "required"),
        (#"{"name":"a b","delay":"1s"}"#, "name", "letters, digits"),
        (#"{"name":"..","delay":"1s"}"#, "name", "could not be used in a URL path"),
        (#"{"name":".","delay":"1s"}"#, "name", "could not be used in a URL path"),
        (#"{"name":"x"}"#, "", "at least one of delay, respond, connection"),
        (#"{"name":"x","delay":"5 s"}"#, "delay", "expected a duration like 250ms"),
        (#"{"name":"x","delay":"11m"}"#, "delay", "11m is above faults.max_delay (10m)"),
        (#"{"name":"x","delay":2}"#, "delay", "expected a duration like 250ms or one of"),
        (#"{"name":"x","delay":{"gamma":{"k":1}}}"#, "delay", "expected one of uniform, normal"),
        (#"{"name":"x","delay":{"uniform":["3s","1s"]}}"#, "delay.uniform", "expected low <= high"),
        (#"{"name":"x","delay":{"uniform":["1s"]}}"#, "delay.uniform", "expected [low, high]"),
        (#"{"name":"x","delay":{"normal":{"mean":"1s"}}}"#, "delay.normal.stddev", "required"),
        (#"{"name":"x","delay":{"lognormal":{"median":"1s","sigma":-1}}}"#, "delay.lognormal.sigma", "expected a number >= 0"),
        (#"{"name":"x","delay":{"exponential":{"mean":"1s","max":"2s"}}}"#, "delay.exponential.max", "unknown field"),
        (#"{"name":"x","delay":"1s","when":"later"}"#, "when", "expected before or after_effect"),
        (#"{"name":"x","respond":{},"when":"after_effect"}"#, "when", "applies to a delay"),
        (#"{"name":"x","respond":{"status":700}}"#, "respond.status", "expected an integer 100-599"),
        (#"{"name":"x","respond":{"headers":{"Bad Name":"v"}}}"#, "respond.headers.Bad Name", "not a valid header field name"),
        (#"{"name":"x","respond":{"headers":{"X":"a\r\nb"}}}"#, "respond.headers.X", "one-line string"),
        (#"{"name":"x","respond":{"status":500},"connection":"reset"}"#, "connection", "one action"),
        (#"{"name":"x","connection":"explode"}"#, "connection", "expected reset, close, stall"),
        (#"{"name":"x","connection":"trickle"}"#, "connection", "expected reset, close, stall"),
        (#"{"name":"x","connection":{"trickle":{"bytes":0,"every":"1s"}}}"#, "connection.trickle.bytes", "expected an integer >= 1"),
        (#"{"name":"x","connection":{"trickle":{"bytes":1}}}"#, "connection.trickle.every", "required"),
        (#"{"name":"x","connection":{"slow_head":{"delay":"1h"}}}"#, "connection.slow_head.delay", "above faults.max_delay"),
        (#"{"name":"x","connection":{"truncate":{"bytes":1},"reset":{}}}"#, "connection", "expected one of trickle"),
        (#"{"name":"x","delay":"1s","probability":1.5}"#, "probability", "expected a number 0-1"),
        (#"{"name":"x","delay":"1s","limit":-1}"#, "limit", "expected an integer >= 0"),
        (#"{"name":"x","delay":"1s","enabled":"yes"}"#, "enabled", "expected true or false"),
        (#"{"name":"x","delay":"1s","schedule":{"every":"10s"}}"#, "schedule.for", "required with every"),
        (#"{"name":"x","delay":"1s","schedule":{"for":"20s","every":"10s"}}"#, "schedule.for", "expected at most every"),
        (#"{"name":"x","delay":"1s","match":{"path":"api/*"}}"#, "match.path", "starting with /"),
        (#"{"name":"x","delay":"1s","match":{"verb":"GET"}}"#, "match.verb", "unknown field"),
        (#"{"name":"x","delay":"1s","match":{"header":{}}}"#, "match.header", "expected an object of field names"),
        (#"{"name":"x","delay":"1s","match":{"method":[1]}}"#, "match.method", "expected a method name"),
        (#"{"name":"x","delay":"1s","color":"red"}"#, "color", "unknown field (expected name, match"),
    ])
    func rejects(_ json: String, field: String, reason: String) {
        #expect(throws: FaultRuleError.self) { try FaultRule(parsing: ruleValue(json), maxDelay: Self.maxDelay) }
        do {
            _ = try FaultRule(parsing: ruleValue(json), maxDelay: Self.maxDelay)
        } catch {
            #expect(error.field == field)
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }
}
