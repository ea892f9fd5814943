import Testing
@testable import UnderstudyCore

@Suite struct ConfigLoaderErrorTests {
    @Test(arguments: [
        ("bad-duration", "server.keepalive.timeout", #"expected a duration like 250ms, got "5 s""#),
        ("bad-unknown-key", "server.kepalive", "unknown key (server has: listen, model, workers, backlog, defer_accept, event, loops, keepalive, timeouts, limits)"),
        ("bad-type", "server.backlog", #"expected an integer, got "many""#),
        ("bad-range", "health.status", "expected an integer 100-599, got 700"),
        ("bad-admin", "admin.token", "required when admin.listen is not a loopback address"),
        ("bad-top-level", "(top level)", "expected a mapping with keys: server, admin, health, faults, sqs, log, shutdown, compression, tls, gateway, got a list"),
    ])
    func badFile(_ name: String, _ key: String, _ reason: String) {
        let path = ConfigPaths.fixture(name)
        #expect(configLoadError(file: path) == ConfigError(source: path, key: key, reason: reason))
    }

    @Test func messageIsFileKeyReason() {
        let error = ConfigError(source: "bad.yaml", key: "server.keepalive.timeout", reason: #"expected a duration like 250ms, got "5 s""#)
        #expect(error.description == #"bad.yaml: server.keepalive.timeout: expected a duration like 250ms, got "5 s""#)
    }

    @Test func reportsEveryUnknownKey() throws {
        let path = ConfigPaths.fixture("bad-unknown-keys")
        let error = try #require(configLoadError(file: path))
        #expect(error.errors.map(\.key) == ["sever", "log.levle"])
        #expect(error.reason == "unknown key (the top level has: server, admin, health, faults, sqs, log, shutdown, compression, tls, gateway)")
        #expect(error.description.split(separator: "\n").count == 2)
    }

    @Test func reportsEveryOutOfRangeValue() throws {
        let error = try #require(configLoadError(file: ConfigPaths.fixture("bad-ranges")))
        #expect(error.errors.map(\.key) == ["server.backlog", "server.timeouts.header", "health.status"])
        #expect(error.errors[1].reason == "expected a duration above 0s, got 0s")
    }

    @Test func badYAMLGivesLineAndColumn() throws {
        let path = ConfigPaths.fixture("bad-syntax")
        let error = try #require(configLoadError(file: path))
        #expect(error.source == path)
        #expect(error.key == "(yaml)")
        #expect(error.reason.hasPrefix("invalid YAML at line "))
        #expect(error.reason.contains(", column "))
    }

    @Test func duplicateKeysAreRefused() {
        let path = ConfigPaths.fixture("bad-duplicate")
        #expect(configLoadError(file: path) == ConfigError(
            source: path, key: "(yaml)", reason: "invalid YAML at line 2, column 3: duplicate key backlog"))
    }

    @Test func missingFile() {
        let path = ConfigPaths.fixture("does-not-exist")
        #expect(configLoadError(file: path) == ConfigError(source: path, key: "(file)", reason: "cannot read: No such file or directory"))
    }

    @Test func aDirectoryIsNotAFile() throws {
        let error = try #require(configLoadError(file: ConfigPaths.testsDirectory.path))
        #expect(error.key == "(file)")
        #expect(error.reason == "cannot read: Is a directory")
    }

    @Test func environmentErrorsNameTheVariable() {
        #expect(configLoadError(environment: ["UNDERSTUDY_SERVER__BACKLOG": "many"]) == ConfigError(
            source: "environment (UNDERSTUDY_SERVER__BACKLOG)", key: "server.backlog", reason: #"expected an integer, got "many""#))
        #expect(configLoadError(environment: ["UNDERSTUDY_SERVER_LISTEN": "x"]) == ConfigError(
            source: "environment (UNDERSTUDY_SERVER_LISTEN)", key: "server_listen",
            reason: "unknown key (the top level has: server, admin, health, faults, sqs, log, shutdown, compression, tls, gateway)"))
        #expect(configLoadError(environment: ["UNDERSTUDY_SERVER__LISTEN": "[1"])?.reason.hasPrefix("invalid YAML") == true)
    }

    @Test func malformedEnvironmentNames() {
        // A bare `UNDERSTUDY_` names no section, so it is not a config variable at all.
        let error = configLoadError(environment: ["UNDERSTUDY_SERVER____BACKLOG": "5", "UNDERSTUDY_": "x"])
        #expect(error?.errors.map(\.source) == ["environment (UNDERSTUDY_SERVER____BACKLOG)"])
        #expect(error?.errors.map(\.key) == ["server..backlog"])
    }

    @Test func adminErrorBlamesWhoMovedTheListener() {
        #expect(configLoadError(environment: ["UNDERSTUDY_ADMIN__LISTEN": "0.0.0.0:9901"]) == ConfigError(
            source: "environment (UNDERSTUDY_ADMIN__LISTEN)", key: "admin.token",
            reason: "required when admin.listen is not a loopback address"))
    }

    @Test func flagErrors() {
        #expect(configLoadError(overrides: [(key: "server.keepalive.timeout", value: "soon")]) == ConfigError(
            source: "flag", key: "server.keepalive.timeout", reason: #"expected a duration like 250ms, got "soon""#))
        #expect(configLoadError(overrides: [(key: "server.backlog.size", value: "1")]) == ConfigError(
            source: "flag", key: "server.backlog.size", reason: "unknown key (server.backlog takes a value, not keys)"))
        #expect(configLoadError(overrides: [(key: "server..backlog", value: "1")])?.key == "server..backlog")
        #expect(configLoadError(overrides: [(key: "log.level", value: "loud")])?.reason
            == #"expected one of trace, debug, info, notice, warning, error, critical, got "loud""#)
        #expect(configLoadError(overrides: [(key: "server.listen", value: "localhost")])?.reason
            == #"expected host:port like 127.0.0.1:8080, got "localhost""#)
        #expect(configLoadError(overrides: [(key: "server.limits.body_bytes", value: "1MB")])?.key == "server.limits.body_bytes")
    }

    @Test func connectionModelKeys() {
        #expect(configLoadError(overrides: [(key: "server.model", value: "worker")])?.reason
            == #"expected event or prefork, got "worker""#)
        #expect(configLoadError(overrides: [(key: "server.workers", value: "-1")])?.reason
            == "expected an integer 0-1000000, got -1")
        #expect(configLoadError(overrides: [(key: "server.event.async_factor", value: "-0.5")])?.key
            == "server.event.async_factor")
        #expect(configLoadError(overrides: [(key: "server.defer_accept", value: "sometimes")])?.key == "server.defer_accept")
        #expect(configLoadError(overrides: [(key: "server.model", value: "prefork"), (key: "server.workers", value: "8")]) == nil)
    }

    @Test func wrongShapes() {
        #expect(configLoadError(overrides: [(key: "server", value: "5")])?.reason
            == "expected a mapping with keys: listen, model, workers, backlog, defer_accept, event, loops, keepalive, timeouts, limits, got \"5\"")
        #expect(configLoadError(overrides: [(key: "server.listen", value: "{a: b}")])?.reason == "expected a list, got a mapping")
        #expect(configLoadError(overrides: [(key: "log.access", value: "maybe")])?.reason == #"expected true or false, got "maybe""#)
        #expect(configLoadError(overrides: [(key: "server.listen", value: "[]")])?.reason == "expected at least one address")
        #expect(configLoadError(overrides: [(key: "server.listen", value: #"["127.0.0.1:1", "nope"]"#)])?.key == "server.listen[1]")
    }
}
