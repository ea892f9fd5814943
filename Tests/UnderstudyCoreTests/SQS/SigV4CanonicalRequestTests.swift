import Testing
@testable import UnderstudyCore

/// The canonical-request pieces, one table per piece.
struct SigV4CanonicalRequestTests {
    @Test(arguments: [
        ("/", ["/"]),
        ("", ["/"]),
        ("/000000000000/jobs", ["/000000000000/jobs"]),
        ("/000000000000/my%20queue", ["/000000000000/my%2520queue"]),
        ("/-._~0123456789ABCxyz", ["/-._~0123456789ABCxyz"]),
        ("/ሴ", ["/%E1%88%B4"]),
        ("/example space/", ["/example%20space/"]),
        ("//a/./b/../c/", ["/a/c/", "//a/./b/../c/"]),
        ("/example/..", ["/", "/example/.."]),
    ])
    func canonicalURIs(_ path: String, _ expected: [String]) {
        #expect(SigV4CanonicalRequest.uris(path: Substring(path)) == expected)
    }

    @Test(arguments: [
        ("", ""),
        ("Param2=value2&Param1=value1", "Param1=value1&Param2=value2"),
        ("a=2&a=1&B=3", "B=3&a=1&a=2"),
        ("Param1", "Param1="),
        ("k=%7e%2f&q=x+y%20z", "k=~%2F&q=x%20y%20z"),
        ("ሴ=bar", "%E1%88%B4=bar"),
        ("%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D",
         "%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D&%40%23%24%25%5E="),
        ("bad=%zz%4", "bad=%25zz%254"),
    ])
    func canonicalQuery(_ query: String, _ expected: String) {
        #expect(SigV4CanonicalRequest.query(Substring(query)) == expected)
    }

    @Test(arguments: [
        ("/a?b=1", "/a", "b=1"),
        ("/a", "/a", ""),
        ("http://localhost:9324/000000000000/jobs?x=1", "/000000000000/jobs", "x=1"),
        ("https://example.com", "", ""),
        ("/a?b=http://c", "/a", "b=http://c"),
    ])
    func splitsTargets(_ target: String, _ path: String, _ query: String) {
        let split = SigV4CanonicalRequest.split(target: target)
        #expect(split.path == Substring(path))
        #expect(split.query == Substring(query))
    }

    @Test func canonicalHeadersTrimJoinAndCollapse() throws {
        let fields: [(name: String, value: String)] = [
            ("Host", "example.amazonaws.com"), ("My-Header1", " value4 "), ("my-header1", "value1"),
            ("My-Header2", "\t\"a   b \t  c\" "), ("User-Agent", "unsigned"),
        ]
        let lines = try SigV4CanonicalRequest.headers(signed: ["host", "my-header1", "my-header2"], in: fields)
        #expect(lines == "host:example.amazonaws.com\nmy-header1:value4,value1\nmy-header2:\"a b c\"\n")
        #expect(throws: SigV4FormatError.signedHeaderAbsent("x-amz-target")) {
            try SigV4CanonicalRequest.headers(signed: ["host", "x-amz-target"], in: fields)
        }
    }
}
