import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/range/{n}` and `/etag/{etag}` as Go's `http.ServeContent` serves them: several ranges
/// as `multipart/byteranges`, the precondition fields, and `If-Range`.
@Suite struct HTTPBinRangeTests {
    /// One part of a `multipart/byteranges` body: its fields and bytes.
    struct Part: Equatable {
        var contentRange: String
        var contentType: String
        var body: String
    }

    /// Splits `body` at `boundary` as a client would, checking the framing on the way.
    static func parts(_ body: String, boundary: String) throws -> [Part] {
        let closing = "\r\n--\(boundary)--\r\n"
        try #require(body.hasPrefix("--\(boundary)\r\n") && body.hasSuffix(closing))
        let inner = body.dropFirst("--\(boundary)\r\n".count).dropLast(closing.count)
        return try inner.components(separatedBy: "\r\n--\(boundary)\r\n").map { text in
            let split = try #require(text.range(of: "\r\n\r\n"))
            let fields = text[..<split.lowerBound].components(separatedBy: "\r\n")
            #expect(fields.map { $0.prefix { $0 != ":" } } == ["Content-Range", "Content-Type"])
            return Part(contentRange: String(fields[0].dropFirst("Content-Range: ".count)),
                        contentType: String(fields[1].dropFirst("Content-Type: ".count)),
                        body: String(text[split.upperBound...]))
        }
    }

    @Test(arguments: [
        ("bytes=0-1,5-6", [("bytes 0-1/28", "ab"), ("bytes 5-6/28", "fg")]),
        ("bytes=0-0, -2", [("bytes 0-0/28", "a"), ("bytes 26-27/28", "ab")]),
        ("bytes=20-,1-2,40-50", [("bytes 20-27/28", "uvwxyzab"), ("bytes 1-2/28", "bc")]),
        ("bytes=3-4,3-4", [("bytes 3-4/28", "de"), ("bytes 3-4/28", "de")]),
    ])
    func severalRangesAnswerMultipart(_ range: String, _ expected: [(String, String)]) async throws {
        try await withTestServer { (server: TestServer) async throws in
            let response = try send(server, "/range/28", headers: ["Range: \(range)"])
            #expect(response.status == 206)
            let contentType = try #require(response.header("Content-Type"))
            #expect(contentType.hasPrefix("multipart/byteranges; boundary="))
            let boundary = String(contentType.dropFirst("multipart/byteranges; boundary=".count))
            #expect(boundary.count == 60 && boundary.allSatisfy(\.isHexDigit))
            #expect(response.header("Content-Length") == String(response.body.count))
            #expect(response.header("Content-Range") == nil)
            #expect(response.header("Accept-Ranges") == "bytes" && response.header("ETag") == "range28")
            let parts = try Self.parts(response.bodyText, boundary: boundary)
            #expect(parts == expected.map { Part(contentRange: $0.0, contentType: "text/plain; charset=utf-8", body: $0.1) })
        }
    }

    @Test(arguments: [
        // The ranges add up to more than the body: Go ignores the header.
        ("bytes=0-,1-,2-", 200, "abcdefghijklmnopqrstuvwxyzab", nil),
        ("bytes=0-20,10-27", 200, "abcdefghijklmnopqrstuvwxyzab", nil),
        // Only blank specs: no ranges at all.
        ("bytes=,", 200, "abcdefghijklmnopqrstuvwxyzab", nil),
        ("bytes=40-50,30-", 416, "invalid range: failed to overlap\n", "bytes */28"),
        ("bytes=1-2,x", 416, "invalid range\n", nil),
        ("bytes=5-2", 416, "invalid range\n", nil),
        ("items=1-2", 416, "invalid range\n", nil),
    ] as [(String, Int, String, String?)])
    func rangeSetsFollowGo(_ range: String, _ status: Int, _ body: String, _ contentRange: String?) async throws {
        try await withTestServer { (server: TestServer) async throws in
            let response = try send(server, "/range/28", headers: ["Range: \(range)"])
            #expect(response.status == status)
            #expect(response.bodyText == body)
            #expect(response.header("Content-Range") == contentRange)
            #expect(response.header("Accept-Ranges") == "bytes")
            if status == 416 {
                #expect(response.header("ETag") == nil && response.header("X-Content-Type-Options") == "nosniff")
            }
        }
    }

    @Test func headCountsTheMultipartBody() async throws {
        try await withTestServer { (server: TestServer) async throws in
            let get = try send(server, "/range/28", headers: ["Range: bytes=0-1,5-6"])
            let head = try send(server, "HEAD", "/range/28", headers: ["Range: bytes=0-1,5-6"])
            #expect(head.status == 206 && head.body.isEmpty)
            #expect(head.header("Content-Length") == get.header("Content-Length"))
        }
    }
}
