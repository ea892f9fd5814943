import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// The deployment examples agree with the image and the server: their health checks are the
/// Dockerfile's HEALTHCHECK and pass against a running server, their probe paths answer,
/// their stop timeouts cover `shutdown.drain` + `shutdown.grace`, and the environment they
/// set is a valid config.
@Suite struct DeployConsistencyTests {
    static let repoRoot = DeployExampleTests.repoRoot

    /// The Dockerfile's `HEALTHCHECK --interval=… CMD [...]`: its options and exec-form command.
    struct DockerHealthCheck {
        var options: [String: String]
        var command: [String]
    }

    static func dockerHealthCheck() throws -> DockerHealthCheck {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Dockerfile"), encoding: .utf8)
            .replacingOccurrences(of: "\\\n", with: " ")
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("HEALTHCHECK ") })
        let parts = line.components(separatedBy: " CMD ")
        try #require(parts.count == 2, "\(line)")
        var options: [String: String] = [:]
        for option in parts[0].split(separator: " ") where option.hasPrefix("--") {
            let pair = option.dropFirst(2).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { options[String(pair[0])] = String(pair[1]) }
        }
        let command = try JSONDecoder().decode([String].self, from: Data(parts[1].utf8))
        return DockerHealthCheck(options: options, command: command)
    }

    static func ecsContainer() throws -> [String: Any] {
        let data = try Data(contentsOf: DeployExampleTests.deployDirectory.appendingPathComponent("ecs-task-definition.json"))
        let task = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require((task["containerDefinitions"] as? [[String: Any]])?.first)
    }

    static func targetGroup() throws -> [String: Any] {
        let data = try Data(contentsOf: DeployExampleTests.deployDirectory.appendingPathComponent("alb-target-group.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The YAML example's documents (through python3); nil after a skip.
    static func yamlDocuments(_ example: DeployExampleTests.Example) throws -> [[String: Any]]? {
        try DeployValidatorScript.documents(example.path).map { $0.compactMap { $0 as? [String: Any] } }
    }

    static func seconds(_ text: String?) throws -> Int64 {
        try ConfigDuration(parsing: try #require(text)).duration.components.seconds
    }

    static var drainPlusGrace: Int64 {
        let shutdown = UnderstudyConfig().shutdown
        return (shutdown.drain.duration + shutdown.grace.duration).components.seconds
    }

    @Test func ecsHealthCheckIsTheDockerfiles() throws {
        let docker = try Self.dockerHealthCheck()
        #expect(docker.command.first == "/usr/local/bin/understudy")
        let check = try #require(try Self.ecsContainer()["healthCheck"] as? [String: Any])
        #expect(check["command"] as? [String] == ["CMD"] + docker.command)
        #expect(Int64(check["interval"] as? Int ?? -1) == (try Self.seconds(docker.options["interval"])))
        #expect(Int64(check["timeout"] as? Int ?? -1) == (try Self.seconds(docker.options["timeout"])))
        #expect(Int64(check["startPeriod"] as? Int ?? -1) == (try Self.seconds(docker.options["start-period"])))
        #expect((check["retries"] as? Int).map(String.init) == docker.options["retries"])
    }

    @Test func composeHealthChecksAreTheDockerfiles() throws {
        guard let compose = try Self.yamlDocuments(.compose)?.first else { return }
        let docker = try Self.dockerHealthCheck()
        let services = try #require(compose["services"] as? [String: [String: Any]])
        #expect(Set(services.keys) == ["understudy-a", "understudy-b", "gateway", "app"])
        for name in ["understudy-a", "understudy-b", "gateway"] {
            let check = try #require(services[name]?["healthcheck"] as? [String: Any], "\(name)")
            let url = name == "gateway" ? "http://127.0.0.1:8000/health" : "http://127.0.0.1:8080/health"
            #expect(check["test"] as? [String] == ["CMD"] + docker.command.dropLast() + [url], "\(name)")
            for (key, option) in [("interval", "interval"), ("timeout", "timeout"), ("start_period", "start-period")] {
                #expect(try Self.seconds(check[key] as? String) == (try Self.seconds(docker.options[option])), "\(name) \(key)")
            }
            #expect((check["retries"] as? Int).map(String.init) == docker.options["retries"], "\(name)")
        }
        let gateway = try #require(services["gateway"]?["command"] as? [String])
        #expect(gateway.starts(with: ["gateway", "--listen", "0.0.0.0:8000"]))
        for dependent in ["gateway", "app"] {
            let dependsOn = try #require(services[dependent]?["depends_on"] as? [String: [String: Any]], "\(dependent)")
            #expect(dependsOn.values.allSatisfy { $0["condition"] as? String == "service_healthy" }, "\(dependent)")
        }
    }

    /// Every health-check command in the examples, run by the built binary against a server
    /// standing in for the container: passes while healthy, fails once /health answers 503.
    @Test func healthCheckCommandsPassAgainstAServer() async throws {
        var commands = [try #require(try Self.ecsContainer()["healthCheck"] as? [String: Any])["command"] as? [String]]
        if let compose = try Self.yamlDocuments(.compose)?.first, let services = compose["services"] as? [String: [String: Any]] {
            commands += ["understudy-a", "gateway"].map { (services[$0]?["healthcheck"] as? [String: Any])?["test"] as? [String] }
        }
        for status in [200, 503] {
            try await withTestServer(makeTestConfig { $0.health.status = status }) { (server: TestServer) async throws in
                for command in commands {
                    let command = try #require(command)
                    try #require(command.count > 2 && command[0] == "CMD" && command[1] == "/usr/local/bin/understudy", "\(command)")
                    let arguments = command.dropFirst(2).map {
                        $0.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(server.dataPort)")
                            .replacingOccurrences(of: "127.0.0.1:8000", with: "127.0.0.1:\(server.dataPort)")
                    }
                    let result = try await BinaryProcess.run(Array(arguments))
                    #expect(result.status == (status == 200 ? 0 : 1), "\(arguments): \(result.stdout)\(result.stderr)")
                }
            }
        }
    }

    /// Readiness takes a pod out of the Service when /health fails (or drains); liveness, on
    /// /livez, does not restart it for that. The ALB's check path and matcher pass.
    @Test func probePathsAnswerAsTheirRolesNeed() async throws {
        let group = try Self.targetGroup()
        let albPath = try #require(group["HealthCheckPath"] as? String)
        let matcher = try #require((group["Matcher"] as? [String: Any])?["HttpCode"] as? String)
        guard let kubernetes = try Self.yamlDocuments(.kubernetes) else { return }
        let deployment = try #require(kubernetes.first { $0["kind"] as? String == "Deployment" })
        let container = try #require(Self.dig(deployment, "spec", "template", "spec", "containers", 0) as? [String: Any])
        let readiness = try #require(Self.dig(container, "readinessProbe", "httpGet") as? [String: Any])
        let liveness = try #require(Self.dig(container, "livenessProbe", "httpGet") as? [String: Any])
        #expect(["/readyz", "/health"].contains(readiness["path"] as? String))
        #expect(liveness["path"] as? String == "/livez")
        let ports = try #require(container["ports"] as? [[String: Any]])
        for probe in [readiness, liveness] {
            #expect(ports.contains { $0["name"] as? String == probe["port"] as? String && $0["containerPort"] as? Int == 8080 })
        }
        #expect(UnderstudyConfig().server.listen.map(\.port) == [8080])

        for (status, readyExit) in [(200, 0), (503, 1)] {
            try await withTestServer(makeTestConfig { $0.health.status = status }) { (server: TestServer) async throws in
                let url = { (path: String) in "http://127.0.0.1:\(server.dataPort)\(path)" }
                let ready = try await BinaryProcess.run(["probe", "--once", "--profile", "k8s", url(try #require(readiness["path"] as? String))])
                #expect(ready.status == Int32(readyExit), "readiness with /health at \(status)")
                let live = try await BinaryProcess.run(["probe", "--once", "--profile", "k8s", url(try #require(liveness["path"] as? String))])
                #expect(live.status == 0, "liveness with /health at \(status)")
                let alb = try await BinaryProcess.run(["probe", "--once", "--matcher", matcher, url(albPath)])
                #expect(alb.status == Int32(readyExit), "ALB check with /health at \(status)")
            }
        }
    }

    @Test func stopTimeoutsCoverDrainAndGrace() throws {
        let needed = Self.drainPlusGrace
        let stopTimeout = try #require(try Self.ecsContainer()["stopTimeout"] as? Int)
        #expect(Int64(stopTimeout) >= needed && stopTimeout <= 120, "ECS stopTimeout \(stopTimeout): Fargate allows 120 at most")

        guard let kubernetes = try Self.yamlDocuments(.kubernetes), let compose = try Self.yamlDocuments(.compose)?.first else { return }
        let deployment = try #require(kubernetes.first { $0["kind"] as? String == "Deployment" })
        let pod = try #require(Self.dig(deployment, "spec", "template", "spec") as? [String: Any])
        let preStop = try #require(Self.dig(pod, "containers", 0, "lifecycle", "preStop", "exec", "command") as? [String])
        #expect(preStop.count == 2 && preStop[0].hasSuffix("/sleep"), "\(preStop)")
        let sleep = try #require(Int64(preStop.last ?? ""))
        let grace = try #require(pod["terminationGracePeriodSeconds"] as? Int)
        #expect(Int64(grace) >= sleep + needed, "terminationGracePeriodSeconds \(grace) < preStop \(sleep) + drain + grace \(needed)")

        let services = try #require(compose["services"] as? [String: [String: Any]])
        for name in ["understudy-a", "understudy-b", "gateway"] {
            #expect(try Self.seconds(services[name]?["stop_grace_period"] as? String) >= needed, "\(name)")
        }
    }

    @Test func exampleEnvironmentsAreValidConfigs() throws {
        let container = try Self.ecsContainer()
        var ecs: [String: String] = [:]
        for variable in container["environment"] as? [[String: String]] ?? [] { ecs[variable["name"] ?? ""] = variable["value"] }
        let secrets = (container["secrets"] as? [[String: String]] ?? []).compactMap { $0["name"] }
        #expect(secrets == ["UNDERSTUDY_ADMIN__TOKEN"])
        #expect(throws: ConfigError.self, "an admin plane off loopback without the token") {
            try ConfigLoader.load(file: nil, environment: ecs, overrides: [])
        }
        ecs["UNDERSTUDY_ADMIN__TOKEN"] = "from-secrets-manager"
        let config = try ConfigLoader.load(file: nil, environment: ecs, overrides: [])
        let mappings = (container["portMappings"] as? [[String: Any]] ?? []).compactMap { $0["containerPort"] as? Int }
        #expect(mappings == [Int(config.server.listen[0].port), Int(config.admin.listen.port)])
        #expect(config.admin.listen.host == "0.0.0.0")
        #expect(try Self.targetGroup()["Port"] as? Int == Int(config.server.listen[0].port))

        guard let compose = try Self.yamlDocuments(.compose)?.first else { return }
        let target = try #require(Self.dig(compose, "services", "understudy-a", "environment") as? [String: String])
        let targetConfig = try ConfigLoader.load(file: nil, environment: target, overrides: [])
        #expect(targetConfig.sqs.queues.map(\.name) == ["jobs"])
        #expect(targetConfig.admin.listen.isLoopback)

        // The gateway's admin plane listens off loopback: its environment must carry the
        // gateway's token key (gateway.admin.token), or the gateway refuses to start.
        let gatewayEnvironment = try #require(Self.dig(compose, "services", "gateway", "environment") as? [String: String])
        let adminListen = [(key: "gateway.admin.listen", value: "\"0.0.0.0:9902\"")]
        let gatewayConfig = try ConfigLoader.load(file: nil, environment: gatewayEnvironment, overrides: adminListen)
        #expect(gatewayConfig.gateway.admin.token != nil)
        #expect(throws: ConfigError.self, "the gateway's admin plane off loopback without its token") {
            try ConfigLoader.load(file: nil, environment: [:], overrides: adminListen)
        }
    }

    /// The value at a path of keys and indexes in decoded JSON, or nil.
    static func dig(_ value: Any?, _ path: Any...) -> Any? {
        path.reduce(value) { current, step in
            if let key = step as? String { return (current as? [String: Any])?[key] }
            if let index = step as? Int, let array = current as? [Any], array.indices.contains(index) { return array[index] }
            return nil
        }
    }
}
