import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/gzip` and `/deflate`, decompressed by outside tools (Foundation has no zlib API on Linux),
/// plus curl's own digest client against `/digest-auth`.
@Suite(.serialized) struct HTTPBinCompressionTests {
    @Test func gzipDecompressesWithCurl() async throws {
        guard let curl = ExternalTool.require("curl") else { return }
        try await withTestServer { server in
            let url = "http://127.0.0.1:\(server.dataPort)/gzip"
            let result = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "--compressed", "-D", "-", url])
            #expect(result.stdout.contains("Content-Encoding: gzip\r\n"))
            let body = try #require(result.stdout.components(separatedBy: "\r\n\r\n").last)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(object["gzipped"] as? Bool == true)
            #expect(object["url"] as? String == "")
            #expect(body.hasSuffix("  \"gzipped\": true\n}\n"))
        }
    }

    @Test func deflateIsZlibWrapped() async throws {
        guard let python = ExternalTool.require("python3") else { return }
        try await withTestServer { server in
            let response = try send(server, "/deflate")
            #expect(response.header("Content-Encoding") == "deflate")
            #expect(response.header("Content-Length") == String(response.body.count))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("deflate-\(UUID().uuidString)")
            try Data(response.body).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let result = try ExternalTool.run(python, ["-c", "import sys,zlib;sys.stdout.write(zlib.decompress(open(sys.argv[1],'rb').read()).decode())", file.path])
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["deflated"] as? Bool == true)
        }
    }

    @Test func curlDigestClientAuthenticates() async throws {
        guard let curl = ExternalTool.require("curl") else { return }
        try await withTestServer { server in
            for algorithm in ["MD5", "SHA-256"] {
                let url = "http://127.0.0.1:\(server.dataPort)/digest-auth/auth/u/p/\(algorithm)?x=1"
                let result = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "--digest", "-u", "u:p", "-w", "%{http_code}", "-o", "/dev/null", url])
                #expect(result.stdout == "200", "\(algorithm)")
            }
        }
    }
}
