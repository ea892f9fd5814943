import Foundation
import UnderstudyCore
import UnderstudyNet

/// A gateway on 127.0.0.1:0 (client side and admin) for one test, its output captured.
public final class TestGateway: Sendable {
    public let gateway: GatewayServer
    public let output: CapturedOutput

    public var port: UInt16 { gateway.plane.listeners[0].boundAddress.port }
    /// The first HTTPS listener (`gateway.tls.listen`).
    public var tlsPort: UInt16? {
        zip(gateway.plane.listeners, gateway.plane.listenerTLS).first { $0.1 != nil }?.0.boundAddress.port
    }
    public var adminPort: UInt16 { gateway.adminPlane.listeners[0].boundAddress.port }

    init(config: GatewayConfig) throws {
        output = CapturedOutput()
        gateway = try GatewayServer(config: config, output: OutputWriter(sink: { [output] in output.append($0) }))
        gateway.start()
    }

    public func client(timeout: Duration = .seconds(5)) throws -> RawClient { try RawClient(port: port, timeout: timeout) }

    /// One request to the gateway on a fresh connection.
    public func get(_ path: String, headers: String = "") throws -> RawClient.Response {
        try RawClient.get(path, port: port, headers: headers)
    }

    /// One admin request; `body` as JSON when given.
    public func admin(_ method: String, _ path: String) throws -> RawClient.Response {
        let client = try RawClient(port: adminPort)
        try client.send("\(method) \(path) HTTP/1.1\r\nHost: admin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return try client.readResponse()
    }

    /// `GET /api/targets`' list.
    public func targets() throws -> [[String: Any]] {
        let body = try admin("GET", "/api/targets").body
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return object?["targets"] as? [[String: Any]] ?? []
    }

    /// The access-log lines (ALB format) written so far, split into their fields.
    public var accessLog: [[String]] {
        output.lines.filter { $0.hasPrefix("http ") || $0.hasPrefix("https ") }.map(ALBLogLine.fields)
    }

    /// Waits (bounded) until `count` access-log lines exist.
    public func waitForAccessLog(count: Int, timeout: Duration = .seconds(5)) -> [[String]] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let lines = accessLog
            if lines.count >= count { return lines }
            usleep(5_000)
        }
        return accessLog
    }
}

/// Splits an ALB access-log line into its fields: space-separated, `"…"` fields unquoted.
public enum ALBLogLine {
    public static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in line {
            if escaped { current.append(character); escaped = false; continue }
            if inQuotes && character == "\\" { escaped = true; continue }
            if character == "\"" { inQuotes.toggle(); continue }
            if character == " " && !inQuotes { fields.append(current); current = ""; continue }
            current.append(character)
        }
        fields.append(current)
        return fields
    }
}

/// A gateway config for tests: loopback, port 0 for both planes, one loop, quick health
/// checks, the given targets.
public func makeGatewayConfig(targets: [UInt16] = [], _ adjust: (inout GatewayConfig) -> Void = { _ in }) -> GatewayConfig {
    var config = GatewayConfig()
    config.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
    config.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
    config.loops = 1
    config.targets = targets.map { ListenAddress(host: "127.0.0.1", port: $0) }
    config.healthCheck.interval = ConfigDuration(.milliseconds(200))
    config.healthCheck.timeout = ConfigDuration(.milliseconds(150))
    adjust(&config)
    return config
}

/// Runs `body` with a started gateway; stops it on every path.
public func withTestGateway(_ config: GatewayConfig, _ body: (TestGateway) async throws -> Void) async throws {
    let gateway = try TestGateway(config: config)
    defer { gateway.gateway.stop() }
    try await body(gateway)
}
