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
        check.integer(server.workers, "server.workers", in: 0...1_000_000)
        check.integer(server.backlog, "server.backlog", in: 1...65535)
        check.that(server.event.asyncFactor >= 0 && server.event.asyncFactor <= 1_000, "server.event.async_factor",
                   "expected a number 0-1000, got \(server.event.asyncFactor)")
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
        check.adminExtras(admin, section: "admin")
        check.integer(health.status, "health.status", in: 100...599)
        check.duration(health.delay, "health.delay", above: nil)
        check.duration(faults.maxDelay, "faults.max_delay", above: .zero)
        check.faultRules(faults)
        check.sqs(sqs)
        check.duration(shutdown.drain, "shutdown.drain", above: nil)
        check.duration(shutdown.grace, "shutdown.grace", above: nil)
        check.size(compression.minBytes, "compression.min_bytes", atLeast: ByteSize(bytes: 0))
        check.integer(compression.level, "compression.level", in: 1...9)
        for (index, type) in compression.types.enumerated() {
            check.that(MediaTypePattern(type) != nil, "compression.types[\(index)]",
                       "expected type/subtype, type/* or type/*+suffix, got \"\(type)\"")
        }
        check.tls(tls)
        check.gateway(gateway)
        check.tls(gateway.tls, section: "gateway.tls")
        return check.issues
    }

    /// Canonical forms after decoding: an empty token means no token.
    mutating func normalize() {
        if admin.token?.isEmpty == true { admin.token = nil }
        if gateway.admin.token?.isEmpty == true { gateway.admin.token = nil }
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

    /// An admin plane's dashboard folder and event-stream settings (`admin`, `gateway.admin`).
    mutating func adminExtras(_ admin: AdminConfig, section s: String) {
        integer(admin.events.maxPerSecond, "\(s).events.max_per_second", atLeast: 1)
        integer(admin.events.buffer, "\(s).events.buffer", in: 1...1_000_000)
        size(admin.events.maxBacklog, "\(s).events.max_backlog", atLeast: ByteSize.kibibytes(4))
        duration(admin.events.heartbeat, "\(s).events.heartbeat", above: .zero)
        if let publicDir = admin.publicDir {
            that(StaticFiles(folder: publicDir) != nil, "\(s).public_dir", "not a readable directory: \(publicDir)")
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

    /// Region and account shapes, storage form, credentials when signatures are checked,
    /// and each declared queue as CreateQueue would take it (names unique, dead-letter
    /// targets declared before the queues that name them).
    /// The gateway's ranges are ALB's where AWS fixes them (idle timeout 1-4000 s,
    /// deregistration delay 0-3600 s, thresholds 2-10); health-check timings only need a
    /// timeout shorter than the interval, so scaled-down rehearsals can check every 100ms.
    mutating func tls(_ tls: TLSConfig, section s: String = "tls") {
        duration(tls.handshakeTimeout, s + ".handshake_timeout", above: .zero)
        if tls.selfSigned {
            that(tls.cert == nil && tls.key == nil, tls.cert != nil ? s + ".cert" : s + ".key",
                 "not used with \(s).self_signed: true (choose one)")
        } else {
            let needs = tls.isUsed ? "required when \(s).listen is set or \(s).admin is true (or set \(s).self_signed: true)"
                : nil
            if tls.cert == nil && (tls.key != nil || needs != nil) { that(false, s + ".cert", needs ?? "required with \(s).key") }
            if tls.key == nil && (tls.cert != nil || needs != nil) { that(false, s + ".key", needs ?? "required with \(s).cert") }
        }
    }

    mutating func gateway(_ gateway: GatewayConfig) {
        that(!gateway.listen.isEmpty, "gateway.listen", "expected at least one address")
        for (index, target) in gateway.targets.enumerated() {
            that(target.host != "0.0.0.0" && target.host != "::" && target.port != 0, "gateway.targets.[\(index)]",
                 "expected a target host:port like 127.0.0.1:8080, got \"\(target)\"")
        }
        let idle = gateway.idleTimeout.duration
        that(idle >= .seconds(1) && idle <= .seconds(4000), "gateway.idle_timeout",
             "expected a duration 1s-4000s (ALB's range), got \(gateway.idleTimeout)")
        if let targetIdle = gateway.targetIdleTimeout { duration(targetIdle, "gateway.target_idle_timeout", above: .zero) }
        duration(gateway.connectTimeout, "gateway.connect_timeout", above: .zero)
        let keepalive = gateway.clientKeepalive.duration
        that(keepalive >= .seconds(60) && keepalive <= .seconds(604_800), "gateway.client_keepalive",
             "expected a duration 60s-168h (ALB's range), got \(gateway.clientKeepalive)")
        let delay = gateway.deregistrationDelay.duration
        that(delay >= .zero && delay <= .seconds(3600), "gateway.deregistration_delay",
             "expected a duration 0s-3600s (ALB's range), got \(gateway.deregistrationDelay)")
        let check = gateway.healthCheck
        that(check.path.hasPrefix("/") && !check.path.contains(where: { $0 == " " || $0.isNewline }), "gateway.health_check.path",
             "expected a path starting with /, got \"\(check.path)\"")
        duration(check.interval, "gateway.health_check.interval", above: .zero)
        duration(check.timeout, "gateway.health_check.timeout", above: .zero)
        that(check.timeout.duration < check.interval.duration, "gateway.health_check.timeout",
             "expected less than gateway.health_check.interval (\(check.interval)), got \(check.timeout)")
        integer(check.healthyThreshold, "gateway.health_check.healthy_threshold", in: 2...10)
        integer(check.unhealthyThreshold, "gateway.health_check.unhealthy_threshold", in: 2...10)
        do throws(ClientArgumentError) {
            _ = try StatusMatcher(parsing: check.matcher)
        } catch {
            that(false, "gateway.health_check.matcher", "expected status codes like 200, 200,202 or 200-299, got \"\(check.matcher)\"")
        }
        that(gateway.admin.listen.isLoopback || !(gateway.admin.token ?? "").isEmpty, "gateway.admin.token",
             "required when gateway.admin.listen is not a loopback address", blaming: "gateway.admin.listen")
        adminExtras(gateway.admin, section: "gateway.admin")
        integer(gateway.loops, "gateway.loops", atLeast: 0)
    }

    mutating func sqs(_ sqs: SQSConfig) {
        that(!sqs.region.isEmpty && sqs.region.utf8.allSatisfy { $0 == 0x2D || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) },
             "sqs.region", "expected a region name like us-east-1, got \"\(sqs.region)\"")
        that(sqs.accountID.utf8.count == 12 && sqs.accountID.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 },
             "sqs.account_id", "expected 12 digits, got \"\(sqs.accountID)\"")
        that(sqs.storage == "memory" || (sqs.sqlitePath.map { !$0.isEmpty } ?? false), "sqs.storage",
             "expected memory or sqlite:PATH, got \"\(sqs.storage)\"")
        that(!sqs.verifySignatures || !sqs.credentials.isEmpty, "sqs.credentials",
             "required when sqs.verify_signatures is true", blaming: "sqs.verify_signatures")
        for (index, credential) in sqs.credentials.enumerated() {
            that(!credential.accessKeyID.isEmpty, "sqs.credentials.[\(index)].access_key_id", "expected a non-empty key id")
            that(!credential.secretAccessKey.isEmpty, "sqs.credentials.[\(index)].secret_access_key", "expected a non-empty secret")
        }
        integer(sqs.maxMessages, "sqs.max_messages", atLeast: 0)
        let store = QueueStore()
        var names = Set<String>()
        for (index, queue) in sqs.queues.enumerated() {
            let key = "sqs.queues.[\(index)]"
            guard names.insert(queue.name).inserted else {
                that(false, key + ".name", "another queue is already called \(queue.name)")
                continue
            }
            do throws(SQSError) {
                try store.createQueue(queue.name, attributes: queue.attributePairs, tags: queue.tags)
            } catch {
                let field = queue.attributePairs.first { error.message.contains($0.name) }?.name
                that(false, key + (field.map { ".attributes.\($0)" } ?? ".name"), error.message)
            }
        }
    }

    private static func path(_ key: String) -> [String] { key.split(separator: ".").map(String.init) }
}
