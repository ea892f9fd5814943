import Foundation
import Testing
import TestSupport

/// The deployment examples in `config/deploy/` checked offline against what AWS, Kubernetes
/// and Docker Compose accept: botocore's input shapes for `aws ecs register-task-definition`
/// and `aws elbv2 create-target-group`, kubernetes-validate's bundled schemas (strict), the
/// Compose Specification's schema. Each validator is also shown a broken copy and must fail.
@Suite struct DeployExampleTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let deployDirectory = repoRoot.appendingPathComponent("config/deploy")
    /// Vendored, with its source and licence: `schema/README.md` beside this file.
    static let composeSchema = repoRoot.appendingPathComponent("Tests/UnderstudyCoreTests/Deploy/schema/compose-spec.json")
    /// A release still common on managed clusters, and the newest kubernetes-validate bundles.
    static let kubernetesVersions = ["1.31", "latest"]

    /// One file of `config/deploy/` and the validator that checks it.
    enum Example: String, CaseIterable, Sendable {
        case ecsTaskDefinition = "ecs-task-definition.json"
        case targetGroup = "alb-target-group.json"
        case kubernetes = "kubernetes.yaml"
        case compose = "docker-compose.yaml"

        var path: String { DeployExampleTests.deployDirectory.appendingPathComponent(rawValue).path }

        func validatorArguments(_ path: String) -> [String] {
            switch self {
            case .ecsTaskDefinition: ["aws", "ecs", "RegisterTaskDefinition", path]
            case .targetGroup: ["aws", "elbv2", "CreateTargetGroup", path]
            case .kubernetes: ["kubernetes", path] + DeployExampleTests.kubernetesVersions
            case .compose: ["compose", path, DeployExampleTests.composeSchema.path]
            }
        }
    }

    @Test(arguments: Example.allCases)
    func exampleValidates(_ example: Example) throws {
        guard let outcome = try DeployValidatorScript.run(example.validatorArguments(example.path)) else { return }
        #expect(outcome.errors.isEmpty, "\(outcome.errors.joined(separator: "\n"))")
        #expect(outcome.status == 0)
        #expect(!outcome.checked.isEmpty)
    }

    @Test func everyKubernetesDocumentIsValidatedForEachVersion() throws {
        guard let outcome = try DeployValidatorScript.run(Example.kubernetes.validatorArguments(Example.kubernetes.path)) else { return }
        #expect(outcome.status == 0)
        for resource in ["Deployment/understudy", "Service/understudy"] {
            let checks = outcome.checked.filter { $0.hasPrefix(resource + " against Kubernetes ") }
            #expect(checks.count == Self.kubernetesVersions.count, "\(resource): \(outcome.checked)")
        }
        #expect(outcome.checked.contains("Deployment/understudy against Kubernetes 1.31 (strict)"))
    }

    /// A copy of an example with one edit that AWS, Kubernetes or Compose would refuse, and
    /// a fragment of the error the validator must report for it.
    struct Breakage: Sendable, CustomTestStringConvertible {
        var example: Example
        var original: String
        var broken: String
        var reported: String

        var testDescription: String { "\(example.rawValue): \(original) -> \(broken)" }
    }

    static let breakages: [Breakage] = [
        Breakage(example: .ecsTaskDefinition, original: #""stopTimeout": 30"#, broken: #""stopTimeout": "30""#,
                 reported: "Invalid type for parameter containerDefinitions[0].stopTimeout"),
        Breakage(example: .ecsTaskDefinition, original: #""healthCheck":"#, broken: #""healthcheck":"#,
                 reported: #"Unknown parameter in containerDefinitions[0]: "healthcheck""#),
        Breakage(example: .ecsTaskDefinition, original: #"["FARGATE"]"#, broken: #"["FARGTE"]"#,
                 reported: "requiresCompatibilities[0]: 'FARGTE' is not one of"),
        Breakage(example: .ecsTaskDefinition, original: #""family": "understudy","#, broken: "",
                 reported: #"Missing required parameter in input: "family""#),
        Breakage(example: .targetGroup, original: #""HealthCheckIntervalSeconds": 10"#, broken: #""HealthCheckIntervalSeconds": "10""#,
                 reported: "Invalid type for parameter HealthCheckIntervalSeconds"),
        Breakage(example: .targetGroup, original: #""Protocol": "HTTP""#, broken: #""Protocol": "HTPP""#,
                 reported: "CreateTargetGroup.Protocol: 'HTPP' is not one of"),
        Breakage(example: .kubernetes, original: "replicas: 2", broken: #"replicas: "2""#,
                 reported: "(Deployment) against 1.31: spec.replicas: '2' is not of type"),
        Breakage(example: .kubernetes, original: "livenessProbe:", broken: "livenesProbe:",
                 reported: "'livenesProbe' was unexpected"),
        Breakage(example: .kubernetes, original: "port: 80", broken: #"port: "80""#,   // the second document
                 reported: "(Service) against 1.31: spec.ports.0.port: '80' is not of type 'integer'"),
        Breakage(example: .compose, original: "stop_grace_period: 30s", broken: "stop_grace_period: 30",
                 reported: "stop_grace_period: 30 is not of type 'string'"),
        Breakage(example: .compose, original: "condition: service_healthy", broken: "condition: service_ready",
                 reported: "'service_ready' is not one of"),
        Breakage(example: .compose, original: "  healthcheck:", broken: "  healthchek:",
                 reported: "services.understudy-a: 'healthchek' does not match any of the regexes"),
    ]

    @Test(arguments: breakages)
    func brokenCopyFails(_ breakage: Breakage) throws {
        let text = try String(contentsOfFile: breakage.example.path, encoding: .utf8)
        let range = try #require(text.range(of: breakage.original), "\(breakage.example.rawValue) no longer has \(breakage.original)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent(breakage.example.rawValue).path
        try text.replacingCharacters(in: range, with: breakage.broken).write(toFile: copy, atomically: true, encoding: .utf8)

        guard let outcome = try DeployValidatorScript.run(breakage.example.validatorArguments(copy)) else { return }
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains { $0.contains(breakage.reported) }, "\(outcome.errors.joined(separator: "\n"))")
    }

    @Test func duplicateKeysAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("twice.json").path
        try #"{"Name": "a", "Name": "b"}"#.write(toFile: json, atomically: true, encoding: .utf8)
        let yaml = directory.appendingPathComponent("twice.yaml").path
        try "services:\n  a: {image: x}\n  a: {image: y}\n".write(toFile: yaml, atomically: true, encoding: .utf8)

        guard let aws = try DeployValidatorScript.run(Example.targetGroup.validatorArguments(json)),
              let compose = try DeployValidatorScript.run(Example.compose.validatorArguments(yaml)) else { return }
        #expect(aws.status == 1 && aws.errors.contains { $0.contains("duplicate keys: Name") }, "\(aws.errors)")
        #expect(compose.status == 1 && compose.errors.contains { $0.contains("duplicate key 'a'") }, "\(compose.errors)")
    }
}
