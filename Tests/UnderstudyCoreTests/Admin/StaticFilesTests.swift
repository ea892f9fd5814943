import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// The dashboard's files on the admin plane: content types, validators and 304s, no token
/// needed, and no way out of the folder (`..` raw or percent-encoded, hidden files, symlinks
/// that lead outside), over real sockets with raw request targets (clients would normalise them).
@Suite struct StaticFilesTests {
    /// A folder `public/` with a few files, a hidden one, a symlink inside and one outside,
    /// next to a `secret.txt` that must stay unreachable.
    final class Fixture {
        let base: URL
        var publicDir: String { base.appendingPathComponent("public").path }

        init() throws {
            base = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-static-\(UUID().uuidString)")
            let files: [String: String] = [
                "public/index.html": "<!doctype html><title>dash</title>",
                "public/js/main.js": "export const x = 1;\n",
                "public/css/dashboard.css": "body { margin: 0 }\n",
                "public/data/sample.json": "{\"a\":1}",
                "public/.env": "TOKEN=nope",
                "secret.txt": "top secret",
            ]
            for (path, text) in files {
                let url = base.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
            try FileManager.default.createSymbolicLink(atPath: publicDir + "/outside", withDestinationPath: base.path + "/secret.txt")
            try FileManager.default.createSymbolicLink(atPath: publicDir + "/inside.js", withDestinationPath: publicDir + "/js/main.js")
        }

        deinit { try? FileManager.default.removeItem(at: base) }
    }

    func get(_ server: TestServer, _ target: String, headers: String = "", method: String = "GET") throws -> RawClient.Response {
        let client = try server.adminClient()
        try client.send("\(method) \(target) HTTP/1.1\r\nHost: a\r\n\(headers)Connection: close\r\n\r\n")
        return try client.readResponse(forHead: method == "HEAD")
    }

    @Test func servesFilesWithTypesAndValidatorsWithoutAToken() async throws {
        let fixture = try Fixture()
        let config = makeTestConfig {
            $0.admin.publicDir = fixture.publicDir
            $0.admin.token = "s3cret"
        }
        try await withTestServer(config) { server in
            let index = try get(server, "/")
            #expect(index.status == 200)
            #expect(index.bodyText == "<!doctype html><title>dash</title>")
            #expect(index.header("Content-Type") == "text/html; charset=utf-8")
            #expect(index.header("Cache-Control") == "no-cache")
            #expect(index.header("Last-Modified") != nil)
            let expected: [(String, String)] = [
                ("/js/main.js", "text/javascript; charset=utf-8"), ("/css/dashboard.css", "text/css; charset=utf-8"),
                ("/data/sample.json", "application/json"), ("/index.html", "text/html; charset=utf-8"),
                ("/data/", "text/html; charset=utf-8"),
            ]
            for (path, type) in expected.dropLast() {
                let response = try get(server, path)
                #expect(response.status == 200, "\(path)")
                #expect(response.header("Content-Type") == type, "\(path)")
            }
            // A folder without an index.html: 404, not a listing.
            #expect(try get(server, "/data/").status == 404)

            let etag = try #require(index.header("ETag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
            let revalidated = try get(server, "/", headers: "If-None-Match: \(etag)\r\n")
            #expect(revalidated.status == 304)
            #expect(revalidated.header("ETag") == etag)
            #expect(try get(server, "/", headers: "If-None-Match: \"other\"\r\n").status == 200)
            let head = try get(server, "/js/main.js", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "20")
            // The API still wants the token.
            #expect(try get(server, "/api/state").status == 401)
            let post = try get(server, "/index.html", method: "DELETE")
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
        }
    }

    @Test(arguments: [
        "/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%2e%2e%2fsecret.txt",
        "/js/..%2f..%2fsecret.txt", "/.%2e/secret.txt", "/./index.html", "/outside", "/.env", "/%2eenv",
        "/js/main.js%00.html", "/..\\secret.txt", "/nope.html", "/js",
    ])
    func refusesWhatLeavesTheFolder(_ target: String) async throws {
        let fixture = try Fixture()
        try await withTestServer(makeTestConfig { $0.admin.publicDir = fixture.publicDir }) { server in
            let response = try get(server, target)
            #expect(response.status == 404, "\(target)")
            #expect(!response.bodyText.contains("top secret"))
            #expect(!response.bodyText.contains("TOKEN"))
            #expect(response.bodyText.contains(#""field":"path""#))
        }
    }

    @Test func followsSymlinksThatStayInside() async throws {
        let fixture = try Fixture()
        try await withTestServer(makeTestConfig { $0.admin.publicDir = fixture.publicDir }) { server in
            let response = try get(server, "/inside.js")
            #expect(response.status == 200)
            #expect(response.bodyText == "export const x = 1;\n")
        }
    }

    @Test func findsTheSourceTreesDashboardByDefault() async throws {
        try await withTestServer { server in
            let index = try get(server, "/")
            #expect(index.status == 200)
            #expect(index.header("Content-Type") == "text/html; charset=utf-8")
            #expect(index.bodyText.contains(#"data-testid="scoreboard""#))
            let api = try get(server, "/api")
            #expect(api.bodyText.contains("/api/events"))
        }
    }

    /// The Docker image puts the binary in /usr/local/bin and the folder in
    /// /usr/local/share/understudy/Public (see the Dockerfile's COPY lines).
    @Test func looksBesideTheBinaryThenInShareThenHereThenTheSourceTree() throws {
        let candidates = StaticFiles.candidateFolders(executable: "/usr/local/bin/understudy", workingDirectory: "/srv",
                                                      sourceFile: "/src/Sources/UnderstudyCore/Admin/StaticFiles.swift")
        #expect(candidates == ["/usr/local/bin/Public", "/usr/local/bin/../share/understudy/Public", "/srv/Public", "/src/Public"])
        let dockerfile = try String(contentsOf: DashboardBrowserTests.root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("COPY --from=build /out/understudy /usr/local/bin/understudy"))
        #expect(dockerfile.contains("COPY Public/ /usr/local/share/understudy/Public/"))
    }

    @Test func aPublicDirThatIsNotAFolderIsAConfigError() throws {
        var config = makeTestConfig()
        config.admin.publicDir = "/nonexistent/understudy-public"
        let issues = config.validationIssues()
        #expect(issues.contains { $0.path == ["admin", "public_dir"] && $0.reason.contains("/nonexistent/understudy-public") })
    }
}
