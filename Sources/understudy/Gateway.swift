import ArgumentParser
import Logging
import UnderstudyCore

/// `understudy gateway`: flags → the config's `gateway` section → `GatewayRunner`.
struct Gateway: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A load balancer with ALB semantics in front of one or more targets.",
        discussion: "504 when a target is silent for the idle timeout, 502 when it closes or resets first, 503 with no target.")

    @Option(help: "YAML config file (its gateway section).") var config: String?
    @Option(help: "Listen address (repeatable), e.g. 0.0.0.0:8000.") var listen: [String] = []
    @Option(help: "Target host:port (repeatable), e.g. 127.0.0.1:8080.") var target: [String] = []
    @Option(help: "The gateway's admin address, e.g. 127.0.0.1:9902.") var adminListen: String?
    @Option(help: "ALB idle timeout, 1s-4000s (default 60s).") var idleTimeout: String?
    @Option(help: "Close pooled target connections unused this long (default: the idle timeout).") var targetIdleTimeout: String?
    @Option(help: "round_robin or least_outstanding_requests.") var routing: String?
    @Option(help: "http or https: how targets are spoken to, health checks included (default http).") var targetProtocol: String?
    @Option(help: "Client connections older than this get Connection: close, 60s-168h (default 1h).") var clientKeepalive: String?
    @Option(help: "How long a deregistered target keeps its in-flight requests (default 300s).") var deregistrationDelay: String?
    @Option(help: "Health check path (default /).") var healthPath: String?
    @Option(help: "Health check interval (default 30s).") var healthInterval: String?
    @Option(help: "Health check timeout (default 5s).") var healthTimeout: String?
    @Option(help: "Passes that make an unhealthy target healthy (default 5).") var healthyThreshold: Int?
    @Option(help: "Failures that make a target unhealthy (default 2).") var unhealthyThreshold: Int?
    @Option(help: "Health check success codes, e.g. 200 or 200-299 (default 200).") var matcher: String?
    @Option(help: "Access log format: alb or json.") var logFormat: String?
    @Option(help: "HTTPS listen address (repeatable), e.g. 0.0.0.0:8443 (an ALB HTTPS listener).") var tlsListen: [String] = []
    @Option(help: "PEM certificate chain for the HTTPS listeners.") var tlsCert: String?
    @Option(help: "PEM private key for the HTTPS listeners.") var tlsKey: String?
    @Flag(help: "Make a throw-away self-signed certificate at start (gateway.tls.self_signed).") var tlsSelfSigned = false

    func run() throws {
        var overrides: [(key: String, value: String)] = []
        func add(_ key: String, _ value: String?) {
            if let value { overrides.append(("gateway." + key, ConfigOptions.yamlQuoted(value))) }
        }
        // String-typed keys take the text as it is; other keys read it as YAML.
        func addText(_ key: String, _ value: String?) {
            if let value { overrides.append(("gateway." + key, value)) }
        }
        func add(_ key: String, _ value: Int?) {
            if let value { overrides.append(("gateway." + key, String(value))) }
        }
        func addList(_ key: String, _ values: [String]) {
            if !values.isEmpty {
                overrides.append(("gateway." + key, "[" + values.map(ConfigOptions.yamlQuoted).joined(separator: ", ") + "]"))
            }
        }
        addList("listen", listen)
        addList("targets", target)
        add("admin.listen", adminListen)
        add("idle_timeout", idleTimeout)
        add("target_idle_timeout", targetIdleTimeout)
        add("routing", routing)
        add("target_protocol", targetProtocol)
        add("client_keepalive", clientKeepalive)
        add("deregistration_delay", deregistrationDelay)
        addText("health_check.path", healthPath)
        add("health_check.interval", healthInterval)
        add("health_check.timeout", healthTimeout)
        add("health_check.healthy_threshold", healthyThreshold)
        add("health_check.unhealthy_threshold", unhealthyThreshold)
        addText("health_check.matcher", matcher)
        add("log.format", logFormat)
        addList("tls.listen", tlsListen)
        addText("tls.cert", tlsCert)
        addText("tls.key", tlsKey)
        if tlsSelfSigned { overrides.append(("gateway.tls.self_signed", "true")) }
        let loaded = try ConfigOptions.load(file: config, overrides: overrides)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: loaded.log.level.rawValue) ?? .info
            return handler
        }
        GatewayRunner.run(config: loaded.gateway, logger: Logger(label: "understudy.gateway"))
    }
}
