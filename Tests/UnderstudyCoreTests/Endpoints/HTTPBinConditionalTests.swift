import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore
import UnderstudyHTTP

/// The conditional fields on `/etag/{etag}` (validators `"abc"` and the current second) and
/// `/range/{n}` (the unquoted `range28`, no date), as Go's `checkPreconditions` decides them.
@Suite struct HTTPBinConditionalTests {
    /// `PAST` and `FUTURE` in a row stand for dates an hour either side of now.
    static func resolve(_ field: String) -> String {
        let now = Int(Date().timeIntervalSince1970)
        return field.replacingOccurrences(of: "PAST", with: HTTPDate.format(epochSeconds: now - 3600))
            .replacingOccurrences(of: "FUTURE", with: HTTPDate.format(epochSeconds: now + 3600))
    }

    @Test(arguments: [
        ("GET", [], 200),
        ("GET", ["If-Match: \"abc\""], 200),
        ("GET", ["If-Match: \"x\", \"abc\""], 200),
        ("GET", ["If-Match: *"], 200),
        ("GET", ["If-Match: \"nope\""], 412),
        ("GET", ["If-Match: W/\"abc\""], 412),            // strong comparison
        ("GET", ["If-Match: abc"], 412),                 // not a quoted tag
        ("GET", ["If-Unmodified-Since: PAST"], 412),
        ("GET", ["If-Unmodified-Since: FUTURE"], 200),
        ("GET", ["If-Unmodified-Since: yesterday"], 200), // unparsable: ignored
        ("GET", ["If-Match: \"abc\"", "If-Unmodified-Since: PAST"], 200), // If-Match decides
        ("GET", ["If-None-Match: \"x\", W/\"abc\""], 304),
        ("HEAD", ["If-None-Match: *"], 304),
        ("POST", ["If-None-Match: *"], 412),
        ("GET", ["If-None-Match: \"x\""], 200),
        ("GET", ["If-Modified-Since: FUTURE"], 304),
        ("GET", ["If-Modified-Since: PAST"], 200),
        ("POST", ["If-Modified-Since: FUTURE"], 200),     // only GET and HEAD
        ("GET", ["If-None-Match: \"x\"", "If-Modified-Since: FUTURE"], 200), // If-None-Match decides
        ("GET", ["Range: bytes=0-0"], 206),
        ("GET", ["Range: bytes=0-0", "If-Range: \"abc\""], 206),
        ("GET", ["Range: bytes=0-0", "If-Range: W/\"abc\""], 200),
        ("GET", ["Range: bytes=0-0", "If-Range: \"other\""], 200),
        ("GET", ["Range: bytes=0-0", "If-Range: PAST"], 200),
        ("POST", ["Range: bytes=0-0", "If-Range: \"other\""], 206), // If-Range is for GET and HEAD
    ] as [(String, [String], Int)])
    func etagFollowsServeContent(_ method: String, _ fields: [String], _ status: Int) async throws {
        try await withTestServer { (server: TestServer) async throws in
            let response = try send(server, method, "/etag/abc", headers: fields.map(Self.resolve),
                                    body: method == "POST" ? "" : nil)
            #expect(response.status == status)
            #expect(response.header("ETag") == "\"abc\"")
            switch status {
            case 304:
                #expect(response.header("Last-Modified") == nil && response.header("Content-Type") == nil)
            case 206:
                #expect(response.bodyText == "{")
                #expect(response.header("Content-Range")?.hasPrefix("bytes 0-0/") == true)
            case 200:
                #expect(response.header("Last-Modified") != nil && response.header("Accept-Ranges") == "bytes")
                if method != "HEAD" { #expect(try jsonObject(response)["url"] as? String == "http://t/etag/abc") }
            default:
                #expect(response.body.isEmpty)
            }
        }
    }

    @Test func ifRangeWithTheLastModifiedDateKeepsTheRange() async throws {
        try await withTestServer { (server: TestServer) async throws in
            // Retried if the second turns between the two requests.
            for _ in 0..<3 {
                let first = try send(server, "/etag/abc")
                let date = try #require(first.header("Last-Modified"))
                let ranged = try send(server, "/etag/abc", headers: ["Range: bytes=0-0", "If-Range: \(date)"])
                if ranged.status == 206 { return }
            }
            Issue.record("If-Range with the Last-Modified date never kept the range")
        }
    }

    @Test(arguments: [
        ([], 200),
        (["If-None-Match: *"], 304),
        (["If-None-Match: \"range28\""], 200),   // the ETag is unquoted, so no tag equals it
        (["If-None-Match: range28"], 200),
        (["If-Match: \"range28\""], 412),
        (["If-Match: *"], 200),
        (["If-Modified-Since: FUTURE"], 200),     // no Last-Modified: date fields ignored
        (["If-Unmodified-Since: PAST"], 200),
        (["Range: bytes=1-2", "If-Range: \"range28\""], 200),
        (["Range: bytes=1-2", "If-Range: FUTURE"], 200),
    ] as [([String], Int)])
    func rangeHasNoDateAndAnUnquotedTag(_ fields: [String], _ status: Int) async throws {
        try await withTestServer { (server: TestServer) async throws in
            let response = try send(server, "/range/28", headers: fields.map(Self.resolve))
            #expect(response.status == status)
            #expect(response.header("Last-Modified") == nil)
            #expect(response.header("ETag") == "range28" && response.header("Accept-Ranges") == "bytes")
            if status == 200 { #expect(response.bodyText == "abcdefghijklmnopqrstuvwxyzab") }
        }
    }

    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("Sun, 06 Nov 1994 08:49:37 UTC", nil),
        ("Sunday, 06-Nov-94 08:49:37 GMT", nil),
        ("Mon, 31 Feb 2025 00:00:00 GMT", nil),
        ("", nil),
    ] as [(String, Int?)])
    func httpDatesParse(_ text: String, _ seconds: Int?) {
        #expect(HTTPDate.parse(text) == seconds)
    }
}
