import Testing
@testable import UnderstudyCore

@Suite struct GlobTests {
    @Test(arguments: [
        ("/health", "/health", true),
        ("/health", "/health/x", false),
        ("/api/*", "/api/users", true),
        ("/api/*", "/api/users/7", false),
        ("/api/*", "/api/", true),
        ("/api/**", "/api/users/7", true),
        ("/api/**", "/apiary", false),
        ("/**/*.php", "/a/b/index.php", true),
        ("/**/*.php", "/index.php", false),   // `/**/` needs a segment between the slashes
        ("**.php", "/index.php", true),
        ("/*/orders", "/users/orders", true),
        ("/*/orders", "/users/7/orders", false),
        ("/a*b*c", "/aXXbYYc", true),
        ("/a*b*c", "/aXXbYY/c", false),
        ("/v*/x", "/v1/x", true),
    ])
    func pathGlobs(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(Glob(pattern, isPath: true).matches(path) == expected)
    }

    @Test(arguments: [
        ("*", "", true),
        ("stag*", "staging", true),
        ("stag*", "prod", false),
        ("*/json", "application/json", true),
        ("Send*", "SendMessageBatch", true),
        ("SendMessage", "SendMessageBatch", false),
    ])
    func valueGlobs(_ pattern: String, _ value: String, _ expected: Bool) {
        #expect(Glob(pattern, isPath: false).matches(value) == expected)
    }

    /// Many stars against a long miss stay linear (a backtracking matcher would not finish).
    @Test func pathologicalPatternsStayFast() {
        let pattern = "/" + String(repeating: "a*", count: 30) + "b"
        let text = "/" + String(repeating: "a", count: 5000)
        #expect(!Glob(pattern, isPath: true).matches(text))
    }
}
