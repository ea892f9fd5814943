/// Fault injection (PRODUCT.md, "Fault rules"): the longest delay anything may ask for,
/// whether clients may ask for faults with `X-Understudy-*` headers, and the rules, kept
/// as written and read by `FaultRule(parsing:)` (the admin API reads the same form).
public struct FaultsConfig: ConfigSection, Codable, Equatable, Sendable {
    public var maxDelay = ConfigDuration(.seconds(600))
    public var clientHeaders = true
    public var rules: [JSONValue] = []

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxDelay = "max_delay", clientHeaders = "client_headers", rules
    }
}
