import Foundation
import Testing
import UnderstudyNet
@testable import UnderstudyCore

@Suite struct ConfigLoaderTests {
    @Test func defaultFileDecodesToTheEmbeddedDefault() throws {
        #expect(try loadConfig(file: ConfigPaths.defaultConfig) == UnderstudyConfig())
    }

    @Test func embeddedDefaultIsValid() throws {
        try UnderstudyConfig().validate()
    }

    @Test func fastPathReturnsTheDefault() throws {
        #expect(try loadConfig(environment: ["PATH": "/usr/bin", "UNDERSTUDYX": "1"]) == UnderstudyConfig())
    }

    @Test func minimalFileKeepsOtherDefaults() throws {
        let config = try loadConfig(file: ConfigPaths.fixture("minimal"))
        var expected = UnderstudyConfig()
        expected.server.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
        #expect(config == expected)
    }

    @Test func environmentSetsANestedKey() throws {
        let config = try loadConfig(environment: ["UNDERSTUDY_SERVER__KEEPALIVE__TIMEOUT": "5s",
                                            "UNDERSTUDY_SERVER__KEEPALIVE__MAX_REQUESTS": "500"])
        #expect(config.server.keepAlive.timeout == ConfigDuration(.seconds(5)))
        #expect(config.server.keepAlive.maxRequests == 500)
        #expect(config.server.keepAlive.enabled)
    }

    @Test func environmentSetsAList() throws {
        let config = try loadConfig(environment: ["UNDERSTUDY_SERVER__LISTEN": #"[127.0.0.1:1, "[::1]:2"]"#])
        #expect(config.server.listen == [ListenAddress(host: "127.0.0.1", port: 1), ListenAddress(host: "::1", port: 2)])
    }

    @Test func aSingleAddressIsAList() throws {
        let config = try loadConfig(environment: ["UNDERSTUDY_SERVER__LISTEN": ":8081"])
        #expect(config.server.listen == [ListenAddress(host: "0.0.0.0", port: 8081)])
    }

    @Test func environmentOverridesTheFileAndFlagsOverrideBoth() throws {
        let file = ConfigPaths.fixture("minimal")
        let environment = ["UNDERSTUDY_SERVER__LISTEN": "127.0.0.1:1", "UNDERSTUDY_SERVER__BACKLOG": "7"]
        let config = try loadConfig(file: file, environment: environment, overrides: [(key: "server.listen", value: "127.0.0.1:2")])
        #expect(config.server.listen == [ListenAddress(host: "127.0.0.1", port: 2)])
        #expect(config.server.backlog == 7)
    }

    @Test func flagsApplyInOrder() throws {
        let config = try loadConfig(overrides: [(key: "health.status", value: "503"), (key: "health.status", value: "418"),
                                          (key: "shutdown.grace", value: "1m")])
        #expect(config.health.status == 418)
        #expect(config.shutdown.grace == ConfigDuration(.seconds(60)))
    }

    @Test func stringKeysTakeEnvironmentValuesVerbatim() throws {
        let config = try loadConfig(environment: ["UNDERSTUDY_HEALTH__BODY": #"{"status":"down"}"#,
                                            "UNDERSTUDY_ADMIN__TOKEN": "s3cret #1: *x"])
        #expect(config.health.body == #"{"status":"down"}"#)
        #expect(config.admin.token == "s3cret #1: *x")
    }

    @Test func adminOffLoopbackWithATokenIsFine() throws {
        let config = try loadConfig(environment: ["UNDERSTUDY_ADMIN__LISTEN": "0.0.0.0:9901", "UNDERSTUDY_ADMIN__TOKEN": "t"])
        #expect(config.admin.listen == ListenAddress(host: "0.0.0.0", port: 9901))
        #expect(config.admin.token == "t")
    }

    @Test func emptyTokenMeansNone() throws {
        #expect(try loadConfig(environment: ["UNDERSTUDY_ADMIN__TOKEN": ""]).admin.token == nil)
    }

    @Test func anEmptySectionChangesNothing() throws {
        #expect(try loadConfig(overrides: [(key: "admin", value: "")]) == UnderstudyConfig())
        #expect(try loadConfig(overrides: [(key: "server", value: "{}")]) == UnderstudyConfig())
    }

    @Test func wholeSectionFromTheEnvironment() throws {
        let config = try loadConfig(environment: ["UNDERSTUDY_LOG": "{access: false, level: debug}"])
        #expect(config.log == { var log = LogConfig(); log.access = false; log.level = .debug; return log }())
    }

    @Test func renderedYAMLLoadsBackToTheSameConfig() throws {
        var config = UnderstudyConfig()
        config.server.listen = [ListenAddress(host: "::1", port: 1), ListenAddress(host: "127.0.0.1", port: 2)]
        config.server.keepAlive.timeout = ConfigDuration(.milliseconds(1500))
        config.server.limits.bodyBytes = ByteSize(bytes: 1536)
        config.health.body = "true"
        config.health.contentType = "123"
        let rendered = config.renderYAML()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-render-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try rendered.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try loadConfig(file: path) == config)
    }

    @Test func renderShowsEveryKeyAndRedactsTheToken() {
        var config = UnderstudyConfig()
        #expect(config.renderYAML().contains("token: null"))
        #expect(config.renderYAML().contains("timeout: 75s"))
        #expect(config.renderYAML().contains("body_bytes: 10MiB"))
        config.admin.token = "hunter2"
        #expect(config.renderYAML().contains("token: <redacted>"))
        #expect(!config.renderYAML().contains("hunter2"))
    }
}

@Suite struct EnvironmentNamespaceTests {
    @Test func variablesThatAreNotConfigKeysAreLeftAlone() throws {
        let config = try ConfigLoader.load(file: nil, environment: ["UNDERSTUDY_E2E_REQUIRED": "1", "UNDERSTUDY_BINARY": "/x"],
                                           overrides: [])
        #expect(config == UnderstudyConfig())
    }

    @Test func aTypoInASectionVariableIsStillReported() {
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(file: nil, environment: ["UNDERSTUDY_SERVER_LISTEN": "127.0.0.1:1"], overrides: [])
        }
    }
}
