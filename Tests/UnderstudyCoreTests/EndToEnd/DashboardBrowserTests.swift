import Foundation
import Testing
import TestSupport

/// The dashboard in Debian's headless chromium, driven by selenium (`Tests/Browser/dashboard_test.py`):
/// the binary on free loopback ports, the token form, the live event stream, the scoreboard,
/// charts and request tail under traffic, the health switch seen by a plain HTTP client, a
/// bad fault rule's inline error, queue counts, a narrow window, and the reconnect after a
/// restart. Screenshots land in `.artifacts/dashboard/` (git-ignored). Skips without
/// chromium, chromedriver or selenium unless `UNDERSTUDY_E2E_REQUIRED=1`.
@Suite struct DashboardBrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test(.timeLimit(.minutes(3))) func dashboardUpdatesLiveInChromium() throws {
        guard let python = ExternalTool.require("python3"), ExternalTool.require("chromium") != nil,
              ExternalTool.require("chromedriver") != nil, ExternalTool.require("curl") != nil else { return }
        let probe = try ExternalTool.run(python, ["-c", "import selenium"])
        guard probe.status == 0 else {
            if ProcessInfo.processInfo.environment["UNDERSTUDY_E2E_REQUIRED"] == "1" {
                Issue.record("selenium is required (UNDERSTUDY_E2E_REQUIRED=1) but not importable: \(probe.stderr)")
            } else {
                print("skipping: selenium not importable (pip install selenium)")
            }
            return
        }
        let script = Self.root.appendingPathComponent("Tests/Browser/dashboard_test.py").path
        let artifacts = Self.root.appendingPathComponent(".artifacts/dashboard").path
        let result = try ExternalTool.run(python, [script, "--binary", BinaryProcess.binaryPath, "--artifacts", artifacts])
        #expect(result.status == 0, "dashboard_test.py failed:\n\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("0 failed"))
    }
}
