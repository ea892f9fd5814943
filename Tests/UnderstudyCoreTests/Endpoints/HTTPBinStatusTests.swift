import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/status/{code}` (single and weighted) and `/unstable`.
@Suite struct HTTPBinStatusTests {
    @Test(arguments: [
        (200, "Content-Type", "text/plain; charset=utf-8", ""),
        (204, "Content-Type", "text/plain; charset=utf-8", ""),
        (301, "Location", "/redirect/1", ""),
        (308, "Location", "/image/jpeg", "Permanently redirected"),
        (300, "Location", "/image/jpeg", "<title>Multiple Choices</title>"),
        (401, "WWW-Authenticate", "Basic realm=\"Fake Realm\"", ""),
        (402, "X-More-Info", "http://vimeo.com/22053820", "Fuck you, pay me!"),
        (406, "Content-Type", "application/json; charset=utf-8", "Client did not request a supported media type"),
        (407, "Proxy-Authenticate", "Basic realm=\"Fake Realm\"", ""),
        (418, "X-More-Info", "http://tools.ietf.org/html/rfc2324", "I'm a teapot!"),
        (503, "Content-Type", "text/plain; charset=utf-8", ""),
    ])
    func statusAnswersTheCodeWithItsSpecialCases(_ code: Int, _ header: String, _ value: String, _ body: String) async throws {
        try await withTestServer { server in
            let response = try send(server, "/status/\(code)")
            #expect(response.status == code)
            #expect(response.header(header) == value)
            #expect(body.isEmpty ? response.body.isEmpty : response.bodyText.contains(body))
            #expect(HTTPBinStatus.statusResponse(code).status == code)
        }
    }

    @Test(arguments: [
        ("/status/600", "invalid status code: 600 not in range [100, 599]"),
        ("/status/foo", #"invalid status code: "foo": strconv.Atoi: parsing "foo": invalid syntax"#),
        ("/status/200:1", #"invalid status code: "200:1": strconv.Atoi: parsing "200:1": invalid syntax"#),
        ("/status/200,x", #"invalid choice value: "x""#),
        ("/status/200:x,500", #"invalid weight value: "x""#),
        ("/status/200:0,500:0", "invalid weights: no choice has a positive weight"),
        ("/unstable?failure_rate=2", "invalid failure rate: %!d(<nil>) not in range [0, 1]"),
        ("/unstable?failure_rate=x", #"invalid failure rate: strconv.ParseFloat: parsing "x": invalid syntax"#),
        ("/unstable?seed=x", #"invalid seed: strconv.ParseInt: parsing "x": invalid syntax"#),
    ])
    func badInputAnswers400(_ target: String, _ detail: String) async throws {
        try await withTestServer { server in
            try expectError(try send(server, target), 400, detail: detail)
        }
    }

    @Test func weightedChoicesFollowTheirWeights() async throws {
        try await withTestServer { server in
            let client = try server.client()
            var counts: [Int: Int] = [:]
            for _ in 0..<200 {
                try client.send("GET /status/200:3,500:1,404:0 HTTP/1.1\r\nHost: t\r\n\r\n")
                counts[try client.readResponse().status, default: 0] += 1
            }
            #expect(counts[404] == nil)
            #expect((110...190).contains(counts[200] ?? 0), "\(counts)")
            #expect((10...90).contains(counts[500] ?? 0), "\(counts)")
        }
    }

    @Test func unstableIsDeterministicForASeedAndHonoursTheRate() async throws {
        try await withTestServer { server in
            let first = try send(server, "/unstable?seed=42").status
            for _ in 0..<3 { #expect(try send(server, "/unstable?seed=42").status == first) }
            #expect(try send(server, "/unstable?failure_rate=0").status == 200)
            #expect(try send(server, "/unstable?failure_rate=1").status == 500)
        }
    }
}
