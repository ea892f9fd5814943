import Foundation
import Testing
import TestSupport

/// With the open-file limit exhausted (EMFILE), the server keeps serving the connections it
/// has, does not spin, and accepts again once descriptors free up.
@Suite struct OpenFileLimitTests {
    @Test func keepsServingAndRecoversAfterEMFILE() async throws {
        guard let prlimit = ExternalTool.require("prlimit") else { return }
        let child = try BinaryProcess(["--nofile=48:48", BinaryProcess.binaryPath, "serve", "--listen", "127.0.0.1:0",
                                       "--admin-listen", "127.0.0.1:0"],
                                      environment: ["UNDERSTUDY_SERVER__DEFER_ACCEPT": "false"],   // accept silent connections
                                      executable: prlimit)
        defer { child.stop() }
        let port = try #require(await child.dataPort())
        var clients: [RawClient] = []
        for _ in 0..<60 { clients.append(try RawClient(port: port, timeout: .milliseconds(500))) }
        // The first connections got descriptors and are served; the rest wait in the backlog.
        try clients[0].send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try clients[0].readResponse().status == 200)
        let cpuBefore = child.cpuSeconds()
        try await Task.sleep(for: .milliseconds(500))
        #expect(child.cpuSeconds() - cpuBefore < 0.25, "no busy loop while out of descriptors")
        // Free descriptors: the waiting connections get accepted and answered.
        clients.removeFirst(30)
        let late = clients.last!
        late.setTimeout(.seconds(5))
        try late.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try late.readResponse().status == 200)
        #expect(child.standardError.contains("Too many open files"))
    }
}
