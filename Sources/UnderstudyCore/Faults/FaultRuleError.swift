/// Why a fault rule was refused: the field (a dotted path inside the rule, `delay.uniform`)
/// and the reason. The admin API answers 400 `{"error": reason, "field": field}`; the config
/// loader reports `file: faults.rules[0].delay.uniform: reason` and exits 2.
public struct FaultRuleError: Error, Equatable, Sendable {
    public var field: String
    public var reason: String

    public init(field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    /// The same error, one level down (`field` inside `parent`).
    func nested(in parent: String) -> FaultRuleError {
        FaultRuleError(field: field.isEmpty ? parent : field.hasPrefix("[") ? parent + field : parent + "." + field, reason)
    }
}
