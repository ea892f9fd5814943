import Foundation
import Testing
import TestSupport

/// `understudy check` and start-up config errors, through the binary: exit 2, key named.
@Suite struct ConfigCommandTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func fixture(_ name: String) -> String {
        Self.repoRoot.appendingPathComponent("Tests/UnderstudyCoreTests/Fixtures/\(name)").path
    }

    @Test func checkPrintsEffectiveSettings() async throws {
        let result = try await BinaryProcess.run(["check", Self.repoRoot.appendingPathComponent("config/default.yaml").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("keepalive"))
        #expect(result.stdout.contains("75s"))
    }

    @Test func badConfigExitsTwoNamingFileAndKey() async throws {
        let path = NSTemporaryDirectory() + "understudy-bad-\(UUID().uuidString).yaml"
        try "server:\n  keepalive:\n    timeout: 5 s\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for arguments in [["check", path], ["serve", "--config", path]] {
            let result = try await BinaryProcess.run(arguments)
            #expect(result.status == 2)
            #expect(result.stderr.contains(path))
            #expect(result.stderr.contains("server.keepalive.timeout"))
        }
    }

    @Test func badEnvironmentOverrideExitsTwo() async throws {
        let result = try await BinaryProcess.run(["serve"], environment: ["UNDERSTUDY_SERVER__BACKLOG": "many"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("server.backlog"))
    }

    @Test(arguments: [["serve", "--no-such-flag"], ["serve", "--listen", "nonsense"], ["frobnicate"], ["check"]])
    func badFlagsExitTwo(_ arguments: [String]) async throws {
        let result = try await BinaryProcess.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test func nonLoopbackAdminWithoutTokenRefusesToStart() async throws {
        let result = try await BinaryProcess.run(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "0.0.0.0:0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("admin.token"))
    }
}

/// Fault rules in a config file are checked at start-up like every other key.
@Suite struct FaultConfigCommandTests {
    @Test func aBadRuleNamesFileKeyAndReason() async throws {
        let path = NSTemporaryDirectory() + "understudy-bad-rule-\(getpid()).yaml"
        try """
            faults:
              max_delay: 1m
              rules:
              - name: ok
                delay: 1s
              - name: slow
                delay: 2m
            """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await BinaryProcess.run(["check", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path): faults.rules[1].delay: 2m is above faults.max_delay (1m)"), "\(result.stderr)")
    }

    @Test func checkPrintsRulesInTheirCanonicalForm() async throws {
        let path = NSTemporaryDirectory() + "understudy-rules-\(getpid()).yaml"
        try """
            faults:
              rules:
              - delay: {uniform: [1s, 3s]}
                match: {path: "/api/*"}
                name: jitter
            """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await BinaryProcess.run(["check", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("""
              rules:
              - name: jitter
                match:
                  path: /api/*
                delay:
                  uniform:
                  - 1s
                  - 3s
                enabled: true
            """), "\(result.stdout)")
    }
}
