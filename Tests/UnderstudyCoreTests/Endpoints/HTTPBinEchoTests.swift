import Foundation
import Testing
import TestSupport
@testable import UnderstudyCore

/// `/get`, `/post` and friends, `/anything`, `/headers`, `/ip`, `/user-agent`, `/uuid`,
/// `/hostname`, `/upload`, `/dump/request`, CORS, 404 and 405.
@Suite struct HTTPBinEchoTests {
    @Test func getEchoesArgsHeadersMethodOriginURL() async throws {
        try await withTestServer { server in
            let response = try send(server, "/get?b=2&a=1&a=x+y", headers: ["x-custom-thing: one", "X-Custom-Thing: two"])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            #expect(response.header("Access-Control-Allow-Credentials") == "true")
            #expect(response.bodyText.hasPrefix("{\n  \"args\": {\n    \"a\": [\n      \"1\","))
            #expect(response.bodyText.hasSuffix("}\n"))
            #expect(keysInOrder(response.bodyText, ["args", "headers", "method", "origin", "url"]))
            let object = try jsonObject(response)
            #expect(object.keys.sorted() == ["args", "headers", "method", "origin", "url"])
            #expect(object["args"] as? [String: [String]] == ["a": ["1", "x y"], "b": ["2"]])
            let headers = try #require(object["headers"] as? [String: [String]])
            #expect(headers["X-Custom-Thing"] == ["one", "two"])
            #expect(headers["Host"] == ["t"])
            #expect(object["method"] as? String == "GET")
            #expect(object["origin"] as? String == "127.0.0.1")
            #expect(object["url"] as? String == "http://t/get?b=2&a=1&a=x+y")
        }
    }

    @Test(arguments: [
        ("POST", "/post", "application/x-www-form-urlencoded", "a=1&a=2&b=3"),
        ("PUT", "/put", "application/json", #"{"z":1,"a":[true,null,"<x>"]}"#),
        ("PATCH", "/patch", "text/plain", "hello"),
        ("DELETE", "/delete", "application/x-www-form-urlencoded", "k=v"),
        ("GET", "/anything/deeper/path", "application/octet-stream", "\u{1}\u{2}"),
        ("CUSTOM", "/anything", "", "abc"),
    ])
    func bodyEndpointsEchoDataFilesFormJSON(_ method: String, _ path: String, _ contentType: String, _ body: String) async throws {
        try await withTestServer { server in
            let headers = contentType.isEmpty ? [] : ["Content-Type: \(contentType)"]
            let response = try send(server, method, path, headers: headers, body: body)
            #expect(response.status == 200)
            #expect(keysInOrder(response.bodyText, ["args", "headers", "method", "origin", "url", "data", "files", "form", "json"]))
            let object = try jsonObject(response)
            #expect(object["method"] as? String == method)
            #expect(object["files"] as? [String: Any] != nil)
            switch contentType {
            case "application/x-www-form-urlencoded":
                #expect(object["data"] as? String == body)
                let form = try #require(object["form"] as? [String: [String]])
                #expect(form == Dictionary(grouping: URLPairs.parse(body), by: \.0).mapValues { $0.map(\.1) })
                #expect(object["json"] is NSNull)
            case "application/json":
                #expect(object["data"] as? String == body)
                let json = try #require(object["json"] as? [String: Any])
                #expect(json["z"] as? Int == 1)
                #expect(response.bodyText.contains(#""<x>""#), "HTML characters are not escaped")
            case "text/plain":
                #expect(object["data"] as? String == body)
                #expect((object["form"] as? [String: Any])?.isEmpty == true)
            default:
                let type = contentType.isEmpty ? "application/octet-stream" : contentType
                let encoded = Data(body.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                #expect(object["data"] as? String == "data:\(type);base64,\(encoded)")
            }
        }
    }

    @Test func multipartSplitsFormAndFiles() async throws {
        try await withTestServer { server in
            let body = "--XX\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
                + "--XX\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n--XX--\r\n"
            let response = try send(server, "POST", "/post", headers: ["Content-Type: multipart/form-data; boundary=XX"], body: body)
            let object = try jsonObject(response)
            #expect(object["form"] as? [String: [String]] == ["field": ["value"]])
            #expect(object["files"] as? [String: [String]] == ["up": ["file body"]])
            let bad = try send(server, "POST", "/post", headers: ["Content-Type: multipart/form-data"], body: body)
            try expectError(bad, 400, detail: "error parsing request body: no multipart boundary param in Content-Type")
        }
    }

    @Test func headAnythingAnswersAsGet() async throws {
        try await withTestServer { server in
            for path in ["/anything", "/get", "/bytes/10", "/"] {
                let response = try send(server, "HEAD", path)
                #expect(response.status == 200, "\(path)")
                #expect(response.body.isEmpty)
            }
        }
    }

    @Test func smallEchoes() async throws {
        try await withTestServer { server in
            let headers = try jsonObject(send(server, "/headers", headers: ["X-A: 1"]))
            #expect((headers["headers"] as? [String: [String]])?["X-A"] == ["1"])
            let ip = try jsonObject(send(server, "/ip", headers: ["X-Forwarded-For: 10.1.2.3, 10.0.0.1"]))
            #expect(ip["origin"] as? String == "10.1.2.3")
            #expect(try send(server, "/ip?format=text").bodyText == "127.0.0.1\n")
            #expect(try jsonObject(send(server, "/user-agent", headers: ["User-Agent: tester/1"]))["user-agent"] as? String == "tester/1")
            let uuid = try #require(try jsonObject(send(server, "/uuid"))["uuid"] as? String)
            #expect(uuid.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
            #expect(try jsonObject(send(server, "/hostname"))["hostname"] as? String == HTTPBinSettings.machineHostname())
            #expect(try jsonObject(send(server, "/hostname"))["hostname"] as? String == ProcessInfo.processInfo.hostName)
            let upload = try jsonObject(send(server, "PUT", "/upload", body: "12345"))
            #expect(upload["bytes_received"] as? Int == 5)
            let dump = try send(server, "/dump/request?foo=bar", headers: ["X-B: 2", "Accept: x"])
            #expect(dump.bodyText == "GET /dump/request?foo=bar HTTP/1.1\r\nHost: t\r\nAccept: x\r\nConnection: close\r\nX-B: 2\r\n\r\n")
        }
    }

    @Test func unknownPathAndWrongMethodAnswerJSONWithCORS() async throws {
        try await withTestServer { server in
            let missing = try send(server, "/nope/at/all", headers: ["Origin: http://example.com"])
            try expectError(missing, 404, detail: "no route for GET /nope/at/all")
            #expect(missing.header("Access-Control-Allow-Origin") == "http://example.com")
            try expectError(try send(server, "/status/"), 404, detail: "no route for GET /status/")
            let wrong = try send(server, "POST", "/get", body: "")
            try expectError(wrong, 405, detail: "POST not allowed on /get")
            #expect(wrong.header("Allow") == "GET, HEAD")
            #expect(try send(server, "GET", "/upload").header("Allow") == "PATCH, POST, PUT")
        }
    }

    @Test func optionsAnswersThePreflightButNotOnHealth() async throws {
        try await withTestServer { server in
            let response = try send(server, "OPTIONS", "/anything/x", headers: ["Origin: http://a.test", "Access-Control-Request-Headers: X-Y"])
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(response.header("Access-Control-Allow-Origin") == "http://a.test")
            #expect(response.header("Access-Control-Allow-Methods") == "GET, POST, HEAD, PUT, DELETE, PATCH, OPTIONS")
            #expect(response.header("Access-Control-Max-Age") == "3600")
            #expect(response.header("Access-Control-Allow-Headers") == "X-Y")
            let health = try send(server, "/health")
            #expect(health.header("Access-Control-Allow-Origin") == nil)
        }
    }
}

/// Splits `a=1&b=2` for expectations (no escapes in the rows).
enum URLPairs {
    static func parse(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }
}
