import Foundation
@testable import UnderstudyCore

/// Paths found from this file, so tests need no bundle resources.
enum ConfigPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    static var defaultConfig: String { repositoryRoot.appendingPathComponent("config/default.yaml").path }

    static func fixture(_ name: String) -> String {
        testsDirectory.appendingPathComponent("Fixtures/\(name).yaml").path
    }
}

/// Loads with nothing but what the test gives.
func loadConfig(
    file: String? = nil, environment: [String: String] = [:], overrides: [(key: String, value: String)] = []
) throws(ConfigError) -> UnderstudyConfig {
    try ConfigLoader.load(file: file, environment: environment, overrides: overrides)
}

/// The error a load throws, or nil if it succeeds.
func configLoadError(
    file: String? = nil, environment: [String: String] = [:], overrides: [(key: String, value: String)] = []
) -> ConfigError? {
    do {
        _ = try loadConfig(file: file, environment: environment, overrides: overrides)
        return nil
    } catch {
        return error
    }
}
