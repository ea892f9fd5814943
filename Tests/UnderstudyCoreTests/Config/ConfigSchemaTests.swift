import Testing
@testable import UnderstudyCore

@Suite struct ConfigSchemaTests {
    /// Every key path the model declares, in order.
    private func keyPaths(_ schema: ConfigSchema, _ prefix: String = "") -> [String] {
        guard let keys = schema.keys else { return [prefix] }
        return keys.flatMap { keyPaths($0.schema, prefix.isEmpty ? $0.key : prefix + "." + $0.key) }
    }

    @Test func declaresExactlyTheDocumentedKeys() {
        #expect(keyPaths(UnderstudyConfig.configSchema) == [
            "server.listen", "server.model", "server.workers", "server.backlog", "server.defer_accept",
            "server.event.async_factor", "server.loops",
            "server.keepalive.enabled", "server.keepalive.timeout", "server.keepalive.max_requests",
            "server.timeouts.header", "server.timeouts.body", "server.timeouts.write",
            "server.limits.request_line", "server.limits.header_bytes", "server.limits.header_fields",
            "server.limits.body_bytes", "server.limits.connections",
            "admin.listen", "admin.token", "admin.public_dir", "admin.events.max_per_second", "admin.events.buffer",
            "admin.events.max_backlog", "admin.events.heartbeat",
            "health.status", "health.body", "health.content_type", "health.delay",
            "faults.max_delay", "faults.client_headers", "faults.rules",
            "sqs.region", "sqs.account_id", "sqs.verify_signatures", "sqs.credentials", "sqs.queues", "sqs.storage",
            "sqs.max_messages", "sqs.max_bytes",
            "log.access", "log.level", "shutdown.drain", "shutdown.grace",
            "compression.enabled", "compression.min_bytes", "compression.level", "compression.types",
            "tls.listen", "tls.cert", "tls.key", "tls.self_signed", "tls.handshake_timeout", "tls.admin",
            "gateway.listen", "gateway.targets", "gateway.idle_timeout", "gateway.target_idle_timeout",
            "gateway.connect_timeout", "gateway.client_keepalive", "gateway.routing", "gateway.target_protocol",
            "gateway.deregistration_delay",
            "gateway.health_check.path", "gateway.health_check.interval", "gateway.health_check.timeout",
            "gateway.health_check.healthy_threshold", "gateway.health_check.unhealthy_threshold",
            "gateway.health_check.matcher", "gateway.log.access", "gateway.log.format",
            "gateway.admin.listen", "gateway.admin.token", "gateway.admin.public_dir",
            "gateway.admin.events.max_per_second", "gateway.admin.events.buffer", "gateway.admin.events.max_backlog",
            "gateway.admin.events.heartbeat", "gateway.loops",
            "gateway.tls.listen", "gateway.tls.cert", "gateway.tls.key", "gateway.tls.self_signed", "gateway.tls.handshake_timeout",
            "gateway.tls.admin",
        ])
    }

    @Test func everyCodingKeyMatchesAProperty() {
        #expect(UnderstudyConfig.unmatchedKeys.isEmpty)
        #expect(ServerConfig.unmatchedKeys.isEmpty)
        #expect(EventModelConfig.unmatchedKeys.isEmpty)
        #expect(KeepAliveConfig.unmatchedKeys.isEmpty)
        #expect(TimeoutsConfig.unmatchedKeys.isEmpty)
        #expect(LimitsConfig.unmatchedKeys.isEmpty)
        #expect(AdminConfig.unmatchedKeys.isEmpty)
        #expect(AdminEventsConfig.unmatchedKeys.isEmpty)
        #expect(HealthConfig.unmatchedKeys.isEmpty)
        #expect(LogConfig.unmatchedKeys.isEmpty)
        #expect(ShutdownConfig.unmatchedKeys.isEmpty)
    }

    @Test func kindsComeFromPropertyTypes() {
        let schema = UnderstudyConfig.configSchema
        guard case .list? = schema.child(at: ["server", "listen"]) else { Issue.record("listen is a list"); return }
        guard case .text? = schema.child(at: ["admin", "token"]) else { Issue.record("token is text"); return }
        guard case .scalar? = schema.child(at: ["server", "backlog"]) else { Issue.record("backlog is a value"); return }
        #expect(schema.child(at: ["server", "nope"]) == nil)
    }

    @Test func environmentNamesMapToKeyPaths() {
        #expect(ConfigLoader.environmentPath("UNDERSTUDY_SERVER__KEEPALIVE__MAX_REQUESTS") == ["server", "keepalive", "max_requests"])
        #expect(ConfigLoader.environmentPath("UNDERSTUDY_SERVER_LISTEN") == ["server_listen"])
    }
}
