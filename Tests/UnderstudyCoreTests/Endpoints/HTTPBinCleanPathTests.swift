import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// ServeMux's 301 for non-canonical paths, and the health routes that stay exact matches.
@Suite struct HTTPBinCleanPathTests {
    @Test(arguments: [
        ("//get", "/get"),
        ("/./get", "/get"),
        ("/get/../get", "/get"),
        ("/get/../get?a=1&b=%20", "/get?a=1&b=%20"),
        ("/anything/x/./y/", "/anything/x/y/"),
        ("/anything//x//", "/anything/x/"),
        ("/a/../..", "/"),
        ("/status//200", "/status/200"),
        ("/get/.", "/get"),
        ("//health", "/health"),
    ])
    func nonCanonicalPathsRedirect(_ target: String, _ location: String) async throws {
        try await withTestServer { (server: TestServer) async throws in
            let response = try send(server, target)
            #expect(response.status == 301)
            #expect(response.header("Location") == location)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.bodyText == "<a href=\"\(location.replacingOccurrences(of: "&", with: "&amp;"))\">Moved Permanently</a>.\n\n")
            #expect(response.header("Access-Control-Allow-Origin") != nil)
        }
    }

    @Test func otherMethodsGetNoBody() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let post = try send(server, "POST", "//post", body: "x")
            #expect(post.status == 301 && post.header("Location") == "/post")
            #expect(post.body.isEmpty && post.header("Content-Type") == nil)
            // The CORS preflight answers OPTIONS before the mux sees the path.
            #expect(try send(server, "OPTIONS", "//get").status == 200)
        }
    }

    @Test(arguments: [("/get/", 404), ("/%2e%2e/get", 404), ("/health", 200), ("/livez", 200), ("/get", 200)])
    func canonicalPathsAreRoutedAsSent(_ target: String, _ status: Int) async throws {
        try await withTestServer { (server: TestServer) async throws in
            #expect(try send(server, target).status == status)
        }
    }

    @Test(arguments: ["/", "//", "/a", "/a/", "/a//", "/a/b", "/.", "/..", "/a/.", "/a/..", "/.a", "/..a", "/a./b",
                      "/a../", "/./", "/a/./b", "/a/../b", "///a", "/a/b/c/../../d", "/.../x"])
    func isCanonicalAgreesWithClean(_ path: String) {
        #expect(HTTPBinCleanPath.isCanonical(path[...]) == (HTTPBinCleanPath.clean(path[...]) == path))
    }
}
