import ArgumentParser
import Logging
import UnderstudyCore

/// `understudy serve`: flags → config → `ServeRunner`.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the data plane and the admin plane.")

    @OptionGroup var options: ConfigOptions
    @Option(help: "HTTPS listen address of the data plane (repeatable), e.g. 0.0.0.0:8443.") var tlsListen: [String] = []
    @Option(help: "PEM certificate chain for the TLS listeners.") var tlsCert: String?
    @Option(help: "PEM private key for the TLS listeners.") var tlsKey: String?
    @Flag(help: "Make a throw-away self-signed certificate at start (tls.self_signed).") var tlsSelfSigned = false

    func run() throws {
        var overrides: [(key: String, value: String)] = []
        if !tlsListen.isEmpty {
            overrides.append(("tls.listen", "[" + tlsListen.map(ConfigOptions.yamlQuoted).joined(separator: ", ") + "]"))
        }
        // String-typed keys take the text as it is; the others read it as YAML.
        if let tlsCert { overrides.append(("tls.cert", tlsCert)) }
        if let tlsKey { overrides.append(("tls.key", tlsKey)) }
        if tlsSelfSigned { overrides.append(("tls.self_signed", "true")) }
        let config = try options.loadConfig(extra: overrides)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: config.log.level.rawValue) ?? .info
            return handler
        }
        ServeRunner.run(config: config, logger: Logger(label: "understudy"))
    }
}
