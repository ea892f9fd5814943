import Foundation
import Testing

/// Outside tools (curl, nginx, boto3, the aws CLI, chromium) that end-to-end tests need.
/// Missing, a test skips with a printed reason — unless `UNDERSTUDY_E2E_REQUIRED=1`
/// (set by CI), which turns the skip into a failure.
public enum ExternalTool {
    /// The tool's path, or nil after recording the skip (or the failure, in CI).
    public static func require(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        if let found = paths.map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return found
        }
        if ProcessInfo.processInfo.environment["UNDERSTUDY_E2E_REQUIRED"] == "1" {
            Issue.record("\(name) is required (UNDERSTUDY_E2E_REQUIRED=1) but not on PATH", sourceLocation: sourceLocation)
        } else {
            print("skipping: \(name) not found on PATH (install it, or set UNDERSTUDY_E2E_REQUIRED=1 to fail instead)")
        }
        return nil
    }

    /// Runs a tool to completion (bounded by the tool's own timeouts), returning status and output.
    public static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try ChildProcess(executable: path, arguments: arguments)
        let status = process.waitUntilExit()
        return (status, process.stdout.text, process.stderr.text)
    }
}
