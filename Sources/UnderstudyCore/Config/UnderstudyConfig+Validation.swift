extension UnderstudyConfig {
    /// Checks ranges and cross-key rules the types cannot express; throws every problem found.
    public func validate(source: String = "config") throws(ConfigError) {
        let issues = validationIssues()
        guard issues.isEmpty else {
            throw ConfigError(all: issues.map { ConfigError(source: source, key: $0.key, reason: $0.reason) })
        }
    }

    /// Range and cross-key checks, in schema order. Keys are YAML paths.
    func validationIssues() -> [ConfigIssue] {
        var check = ConfigChecks()
        check.that(!server.listen.isEmpty, "server.listen", "expected at least one address")
        check.integer(server.backlog, "server.backlog", in: 1...65535)
        check.integer(server.loops, "server.loops", atLeast: 0)
        check.duration(server.keepAlive.timeout, "server.keepalive.timeout", above: nil)
        check.integer(server.keepAlive.maxRequests, "server.keepalive.max_requests", atLeast: 0)
        check.duration(server.timeouts.header, "server.timeouts.header", above: .zero)
        check.duration(server.timeouts.body, "server.timeouts.body", above: .zero)
        check.duration(server.timeouts.write, "server.timeouts.write", above: .zero)
        check.size(server.limits.requestLine, "server.limits.request_line", atLeast: ByteSize(bytes: 64))
        check.size(server.limits.headerBytes, "server.limits.header_bytes", atLeast: ByteSize(bytes: 256))
        check.integer(server.limits.headerFields, "server.limits.header_fields", atLeast: 1)
        check.size(server.limits.bodyBytes, "server.limits.body_bytes", atLeast: ByteSize(bytes: 0))
        check.integer(server.limits.connections, "server.limits.connections", atLeast: 0)
        check.that(
            admin.listen.isLoopback || !(admin.token ?? "").isEmpty, "admin.token",
            "required when admin.listen is not a loopback address", blaming: "admin.listen")
        check.integer(health.status, "health.status", in: 100...599)
        check.duration(health.delay, "health.delay", above: nil)
        check.duration(faults.maxDelay, "faults.max_delay", above: .zero)
        check.faultRules(faults)
        check.duration(shutdown.drain, "shutdown.drain", above: nil)
        check.duration(shutdown.grace, "shutdown.grace", above: nil)
        return check.issues
    }

    /// Canonical forms after decoding: an empty token means no token.
    mutating func normalize() {
        if admin.token?.isEmpty == true { admin.token = nil }
        // Rules in their canonical form and field order (`understudy check` prints them).
        faults.rules = faults.rules.map { value in
            (try? FaultRule(parsing: value, maxDelay: faults.maxDelay.duration))?.jsonValue ?? value
        }
    }
}

/// Collects validation issues with uniform messages (`expected an integer 100-599, got 700`).
struct ConfigChecks {
    private(set) var issues: [ConfigIssue] = []

    mutating func that(_ condition: Bool, _ key: String, _ reason: String, blaming blamed: String? = nil) {
        guard !condition else { return }
        issues.append(ConfigIssue(Self.path(key), reason, blaming: blamed.map(Self.path)))
    }

    mutating func integer(_ value: Int, _ key: String, in range: ClosedRange<Int>) {
        that(range.contains(value), key, "expected an integer \(range.lowerBound)-\(range.upperBound), got \(value)")
    }

    mutating func integer(_ value: Int, _ key: String, atLeast minimum: Int) {
        that(value >= minimum, key, "expected an integer >= \(minimum), got \(value)")
    }

    mutating func size(_ value: ByteSize, _ key: String, atLeast minimum: ByteSize) {
        that(value >= minimum, key, "expected a size of at least \(minimum), got \(value)")
    }

    /// Durations are never negative; `above` also rules out that value (`.zero` for timeouts).
    mutating func duration(_ value: ConfigDuration, _ key: String, above minimum: Duration?) {
        that(value.duration >= .zero, key, "expected a duration of at least 0s, got \(value)")
        if let minimum, value.duration >= .zero {
            that(value.duration > minimum, key, "expected a duration above \(ConfigDuration(minimum)), got \(value)")
        }
    }

    /// Each rule as `FaultRule(parsing:)` reads it, and names unique.
    mutating func faultRules(_ faults: FaultsConfig) {
        var names: Set<String> = []
        for (index, value) in faults.rules.enumerated() {
            let key = ["faults", "rules", "[\(index)]"]
            do throws(FaultRuleError) {
                let rule = try FaultRule(parsing: value, maxDelay: faults.maxDelay.duration)
                if !names.insert(rule.name).inserted {
                    issues.append(ConfigIssue(key + ["name"], "another rule is already called \(rule.name)"))
                }
            } catch {
                issues.append(ConfigIssue(key + (error.field.isEmpty ? [] : Self.path(error.field)), error.reason))
            }
        }
    }

    private static func path(_ key: String) -> [String] { key.split(separator: ".").map(String.init) }
}
