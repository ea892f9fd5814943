import ArgumentParser
import UnderstudyCore
#if canImport(Glibc)
import Glibc
#endif

/// Flags shared by subcommands that read the config: file, then environment, then flags.
struct ConfigOptions: ParsableArguments {
    @Option(help: "YAML config file.") var config: String?
    @Option(help: "Data-plane listen address (repeatable), e.g. 0.0.0.0:8080 or [::1]:8080.") var listen: [String] = []
    @Option(help: "Admin-plane listen address, e.g. 127.0.0.1:9901.") var adminListen: String?

    /// Loads and validates; on a config error prints `file: key: reason` and exits 2.
    func loadConfig(extra: [(key: String, value: String)] = []) throws -> UnderstudyConfig {
        try Self.loadConfig(file: config, listen: listen, adminListen: adminListen, extra: extra)
    }

    static func loadConfig(file: String?, listen: [String] = [], adminListen: String? = nil,
                           extra: [(key: String, value: String)] = []) throws -> UnderstudyConfig {
        var overrides = extra
        if !listen.isEmpty {
            overrides.append(("server.listen", "[" + listen.map(yamlQuoted).joined(separator: ", ") + "]"))
        }
        if let adminListen { overrides.append(("admin.listen", yamlQuoted(adminListen))) }
        return try load(file: file, overrides: overrides)
    }

    /// File, environment, then `overrides` (dotted key, YAML value); a config error is
    /// printed as `file: key: reason` and exits 2.
    static func load(file: String?, overrides: [(key: String, value: String)]) throws -> UnderstudyConfig {
        do {
            return try ConfigLoader.load(file: file, environment: currentEnvironment(), overrides: overrides)
        } catch {
            FileHandleOutput.standardError("understudy: \(error)")
            throw ExitCode(2)
        }
    }

    static func yamlQuoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// `environ` as a dictionary, without Foundation.
func currentEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        pointer += 1
    }
    return result
}
