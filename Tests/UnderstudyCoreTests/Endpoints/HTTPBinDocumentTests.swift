import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// Redirects, cookies, caching, `/response-headers`, fixed documents, images, `/base64`, `/links`.
@Suite struct HTTPBinDocumentTests {
    @Test(arguments: [
        ("/redirect/3", 302, "/relative-redirect/2"),
        ("/redirect/1", 302, "/get"),
        ("/redirect/2?absolute=TRUE", 302, "http://t/absolute-redirect/1"),
        ("/relative-redirect/1", 302, "/get"),
        ("/absolute-redirect/3", 302, "http://t/absolute-redirect/2"),
        ("/redirect-to?url=http://example.com/x", 302, "http://example.com/x"),
        ("/redirect-to?url=/get&status_code=307", 307, "/get"),
        ("/links/3", 302, "/links/3/0"),
        ("/cookies/set?a=1", 302, "/cookies"),
    ])
    func redirectsPointAtTheNextHop(_ target: String, _ status: Int, _ location: String) async throws {
        try await withTestServer { server in
            let response = try send(server, target)
            #expect(response.status == status)
            #expect(response.header("Location") == location)
            #expect(response.body.isEmpty)
        }
    }

    @Test(arguments: [
        ("/redirect/0", "redirect count must be > 0"),
        ("/redirect/x", #"invalid redirect count: strconv.Atoi: parsing "x": invalid syntax"#),
        ("/redirect-to", "missing required query parameter: url"),
        ("/redirect-to?url=/a&status_code=418", "invalid status code: 418 not in range [300, 399]"),
        ("/links/300", "invalid link count: 300 must be in range [0, 256]"),
        ("/cache/x", #"invalid seconds: strconv.ParseInt: parsing "x": invalid syntax"#),
        ("/base64/frob/abc", "invalid operation: frob"),
        ("/base64/@@@@", "base64 decode failed: illegal base64 data at input byte 0"),
        ("/range/0", "invalid count: 0 not in range [1, 1048576]"),
    ])
    func badParametersAnswer400(_ target: String, _ detail: String) async throws {
        try await withTestServer { server in try expectError(try send(server, target), 400, detail: detail) }
    }

    @Test func redirectToRefusesRelativeTargets() async throws {
        try await withTestServer { server in
            let refused = try send(server, "/redirect-to?url=foo")
            #expect(refused.status == 403)
            #expect(refused.header("Content-Type") == "text/plain")
        }
    }

    @Test func cookiesEchoSetAndDelete() async throws {
        try await withTestServer { server in
            let list = try jsonObject(send(server, "/cookies", headers: ["Cookie: a=1; b=\"two\"; a=3"]))
            #expect(list["cookies"] as? [String: String] == ["a": "3", "b": "two"])
            #expect(try send(server, "/cookies").bodyText == "{\n  \"cookies\": {}\n}\n")
            let set = try send(server, "/cookies/set?k=v&attr[SameSite]=lax&attr[httponly]=false")
            #expect(set.header("Set-Cookie") == "k=v; Path=/; SameSite=Lax")
            let delete = try send(server, "/cookies/delete?k=")
            let cookie = try #require(delete.header("Set-Cookie"))
            #expect(cookie.hasPrefix("k=; Path=/; Expires=") && cookie.hasSuffix(" GMT; Max-Age=0; HttpOnly"))
        }
    }

    @Test func cachingAnswersConditionalRequests() async throws {
        try await withTestServer { server in
            let fresh = try send(server, "/cache")
            #expect(fresh.status == 200)
            #expect(fresh.header("ETag")?.hasSuffix("da39a3ee5e6b4b0d3255bfef95601890afd80709") == true)
            #expect(fresh.header("Last-Modified")?.hasSuffix(" GMT") == true)
            #expect(try send(server, "/cache", headers: ["If-None-Match: x"]).status == 304)
            #expect(try send(server, "/cache/60").header("Cache-Control") == "public, max-age=60")
            let etag = try send(server, "/etag/abc")
            #expect(etag.header("ETag") == "\"abc\"")
            #expect(etag.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(try jsonObject(etag)["url"] as? String == "http://t/etag/abc")
            #expect(try send(server, "/etag/abc", headers: ["If-None-Match: \"x\", W/\"abc\""]).status == 304)
            #expect(try send(server, "POST", "/etag/abc", headers: ["If-None-Match: *"], body: "").status == 412)
            #expect(try send(server, "/etag/abc", headers: ["If-Match: \"nope\""]).status == 412)
            #expect(try send(server, "/etag/abc", headers: ["If-Match: \"abc\""]).status == 200)
        }
    }

    @Test func responseHeadersEchoesTheQueryAsFields() async throws {
        try await withTestServer { server in
            let response = try send(server, "/response-headers?x-thing=1&x-thing=2&Server-ish=a")
            #expect(response.header("X-Thing") == "1")
            #expect(response.headers.filter { $0.0 == "X-Thing" }.map(\.1) == ["1", "2"])
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            let object = try jsonObject(response)
            #expect(object["x-thing"] as? [String] == ["1", "2"])
            #expect(object["Content-Type"] as? [String] == ["application/json; charset=utf-8"])
            let html = try send(server, "/response-headers?Content-Type=text/html&x=%3Cb%3E")
            #expect(html.bodyText.contains("&lt;b&gt;"))
        }
    }

    @Test(arguments: [
        ("/json", "application/json; charset=utf-8", 421, "\"slideshow\""),
        ("/xml", "application/xml", 522, "<?xml version='1.0' encoding='us-ascii'?>"),
        ("/html", "text/html; charset=utf-8", 3742, "Herman Melville - Moby-Dick"),
        ("/", "text/html; charset=utf-8", 14017, "<!DOCTYPE html>"),
        ("/encoding/utf8", "text/html; charset=utf-8", 14240, "Unicode Demo"),
        ("/forms/post", "text/html; charset=utf-8", 1398, "action=\"/post\""),
        ("/robots.txt", "text/plain; charset=utf-8", 30, "Disallow: /deny"),
        ("/image/png", "image/png", 8090, "PNG"),
        ("/image/jpeg", "image/jpeg", 35588, "JFIF"),
        ("/image/webp", "image/webp", 10568, "WEBP"),
        ("/image/svg", "image/svg+xml", 8984, "<svg"),
    ])
    func documentsAreGoHTTPBinsFiles(_ target: String, _ contentType: String, _ size: Int, _ marker: String) async throws {
        try await withTestServer { server in
            let response = try send(server, target)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == contentType)
            #expect(response.body.count == size)
            #expect(String(decoding: response.body.prefix(2000), as: UTF8.self).contains(marker))
        }
    }

    @Test func imageNegotiatesOnAccept() async throws {
        try await withTestServer { server in
            #expect(try send(server, "/image").header("Content-Type") == "image/png")
            #expect(try send(server, "/image", headers: ["Accept: image/webp"]).header("Content-Type") == "image/webp")
            try expectError(try send(server, "/image", headers: ["Accept: */*"]), 415, detail: nil)
            try expectError(try send(server, "/image/gif"), 404, detail: nil)
        }
    }

    @Test func base64AndLinks() async throws {
        try await withTestServer { server in
            #expect(try send(server, "/base64/aGVsbG8gd29ybGQ=").bodyText == "hello world")
            #expect(try send(server, "/base64/encode/hi%3F%3F%3E").bodyText == "aGk_Pz4=")
            #expect(try send(server, "/base64/PGI-?content-type=text/html").bodyText == "&lt;b&gt;")
            let links = try send(server, "/links/2/0")
            #expect(links.bodyText == "<html><head><title>Links</title></head><body>0 <a href=\"/links/2/1\">1</a> </body></html>")
        }
    }
}
