import Foundation
import Testing
import TestSupport

/// The built binary against a real client: curl.
@Suite(.serialized) struct CurlTests {
    @Test func curlGetsHealthReusesTheConnectionAndSendsBodies() async throws {
        guard let curl = ExternalTool.require("curl") else { return }
        let child = try BinaryProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        defer { child.stop() }
        let port = try #require(await child.dataPort())
        let url = "http://127.0.0.1:\(port)/health"

        let get = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "-i", url])
        #expect(get.status == 0)
        #expect(get.stdout.hasPrefix("HTTP/1.1 200 OK"))
        #expect(get.stdout.contains(#"{"status":"ok"}"#))

        let twice = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "-v", url, url])
        #expect(twice.stderr.contains("Re-using existing connection") || twice.stderr.contains("Reusing existing connection"))

        let head = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "-I", url])
        #expect(head.stdout.contains("Content-Length: 15"))

        // curl sends Expect: 100-continue for bodies over 1 MiB; the server answers 100 first.
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-body-\(UUID().uuidString)")
        try Data(repeating: 0x61, count: 2 << 20).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let post = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "-v", "-o", "/dev/null", "-w", "%{http_code}",
                                               "--data-binary", "@\(body.path)", "http://127.0.0.1:\(port)/nope"])
        #expect(post.stdout == "404")
        #expect(post.stderr.contains("HTTP/1.1 100 Continue"))

        let http10 = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "-0", "-i", url])
        #expect(http10.stdout.contains("Connection: close"))
    }
}
