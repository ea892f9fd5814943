import Foundation
import UnderstudyNet

/// The built `understudy` binary run as a child process, its stdout and stderr captured,
/// always stopped at the end of the test (`stop` is idempotent).
public final class BinaryProcess: Sendable {
    let process: ChildProcess

    /// `.build/debug/understudy` (or the configuration `swift test` built).
    public static var binaryPath: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if let override = ProcessInfo.processInfo.environment["UNDERSTUDY_BINARY"] { return override }
        for candidate in [".build/debug/understudy", ".build/release/understudy"] {
            let path = root.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/understudy").path
    }

    /// Runs the binary with `arguments` (or `executable`, e.g. a wrapper like prlimit).
    public init(_ arguments: [String], environment: [String: String] = [:], executable: String? = nil) throws {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("UNDERSTUDY_") }
        env.merge(environment) { $1 }
        process = try ChildProcess(executable: executable ?? Self.binaryPath, arguments: arguments, environment: env)
    }

    public var standardOutput: String { process.stdout.text }
    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.pid }
    public var standardError: String { process.stderr.text }

    /// JSON lines on stdout whose `event` is `event`.
    public func events(_ event: String) -> [[String: Any]] {
        standardOutput.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["event"] as? String == event else { return nil }
            return object
        }
    }

    /// Waits (bounded) for `count` stdout events named `event`.
    public func waitForEvents(_ event: String, count: Int = 1, timeout: Duration = .seconds(10)) async -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && process.isRunning {
            if events(event).count >= count { return events(event) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return events(event)
    }

    /// The data-plane port from the `listening` line.
    public func dataPort() async -> UInt16? { await port(plane: "data") }
    public func adminPort() async -> UInt16? { await port(plane: "admin") }

    /// The port of `plane`'s listener (`data`, `admin`, `gateway`) from its `listening` line.
    public func port(plane: String, scheme: String? = nil) async -> UInt16? {
        let lines = await waitForEvents("listening", count: scheme == "https" ? 3 : 2)
        guard let address = lines.first(where: { $0["plane"] as? String == plane && (scheme == nil || $0["scheme"] as? String == scheme) })?["address"] as? String,
              let colon = address.lastIndex(of: ":") else { return nil }
        return UInt16(address[address.index(after: colon)...])
    }

    public func signal(_ number: Int32) { kill(process.pid, number) }

    /// User plus system CPU time the process has used, from /proc.
    public func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Waits (bounded) for the process to exit; returns its status, or nil if it did not.
    public func waitForExit(timeout: Duration = .seconds(10)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return process.terminationStatus
    }

    public func stop() {
        if process.isRunning { kill(process.pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Runs to completion (bounded), returning status and output.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try BinaryProcess(arguments, environment: environment)
        defer { child.stop() }
        let status = await child.waitForExit()
        if status != nil { child.process.waitUntilExit() }   // both pipes drained
        return (status, child.standardOutput, child.standardError)
    }
}
