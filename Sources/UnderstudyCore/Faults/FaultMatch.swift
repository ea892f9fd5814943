import UnderstudyHTTP

/// Which requests a rule applies to; every matcher given must match (an empty match takes
/// every request). `sqs_action` and `queue` match only requests the SQS API decoded.
public struct FaultMatch: Equatable, Sendable {
    /// Glob over the percent-decoded path, without the query.
    public var path: Glob?
    /// Methods, upper case; any of them.
    public var methods: [String] = []
    /// Field name → value glob; the field must be present with a matching value.
    public var headers: [(name: String, value: Glob)] = []
    /// Query parameter → value glob; the parameter must be present with a matching value.
    public var query: [(name: String, value: Glob)] = []
    public var sqsAction: Glob?
    public var queue: Glob?

    public init() {}

    public static func == (a: FaultMatch, b: FaultMatch) -> Bool {
        a.path == b.path && a.methods == b.methods && a.sqsAction == b.sqsAction && a.queue == b.queue
            && a.headers.elementsEqual(b.headers, by: { $0 == $1 }) && a.query.elementsEqual(b.query, by: { $0 == $1 })
    }

    /// True when the request (and, for SQS, its decoded action) satisfies every matcher but
    /// the path, which `FaultGate` tests first. Allocates nothing unless a `query` matcher
    /// needs the parsed query (kept in `facts` for the next rule).
    func matchesBeyondPath(_ facts: inout RequestFacts) -> Bool {
        if !methods.isEmpty && !methods.contains(facts.request.method) { return false }
        for (name, glob) in headers {
            let found = facts.request.headers.fields.contains { field in
                field.name.utf8.count == name.utf8.count && field.name.equalsIgnoringASCIICase(name) && glob.matches(field.value)
            }
            if !found { return false }
        }
        if !query.isEmpty {
            let parameters = facts.queryParameters
            for (name, glob) in query where !parameters.contains(where: { $0.name == name && glob.matches($0.value) }) {
                return false
            }
        }
        if let sqsAction, !(facts.sqsAction.map(sqsAction.matches) ?? false) { return false }
        if let queue, !(facts.queue.map(queue.matches) ?? false) { return false }
        return true
    }
}
