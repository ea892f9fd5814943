import Foundation
import Testing
import TestSupport
import UnderstudyHTTP
@testable import UnderstudyCore

/// Compression end to end on loopback: responses compressed as the client's
/// `Accept-Encoding` asks and decompressed by Python's zlib, streamed responses compressed
/// chunk by chunk, request bodies decoded before the handler, and the refusals (413 past
/// the limit, 400 for bad data, 415 for an unknown coding).
@Suite struct CompressionTests {
    /// Python's http.client and zlib against the server: every check asserts in Python and a
    /// failure exits non-zero with its message.
    static let roundTrips = #"""
import http.client, json, sys, zlib
port = int(sys.argv[1])

def get(path, encoding):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", path, headers={"Accept-Encoding": encoding} if encoding is not None else {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r, body

pad = "a" * 2000
for encoding, wbits, name in [("gzip", 31, "gzip"), ("deflate", 15, "deflate"), ("gzip;q=0.2, deflate;q=0.9", 15, "deflate")]:
    r, body = get("/get?pad=" + pad, encoding)
    assert r.status == 200, r.status
    assert r.getheader("Content-Encoding") == name, (encoding, r.getheaders())
    assert "Accept-Encoding" in r.getheader("Vary", ""), r.getheaders()
    assert int(r.getheader("Content-Length")) == len(body) < 2000, len(body)
    doc = json.loads(zlib.decompress(body, wbits))
    assert doc["args"]["pad"] == [pad], doc["args"]

# Not asked, or identity preferred: the body as it is, still marked Vary.
for encoding in [None, "identity", "gzip;q=0.1, identity;q=0.5", "br"]:
    r, body = get("/get?pad=" + pad, encoding)
    assert r.getheader("Content-Encoding") is None, (encoding, r.getheaders())
    assert r.getheader("Vary") == "Accept-Encoding", r.getheaders()
    assert json.loads(body)["args"]["pad"] == [pad]

# Short bodies are not worth it (compression.min_bytes), and carry no Vary.
r, body = get("/get", "gzip")
assert r.getheader("Content-Encoding") is None and r.getheader("Vary") is None, r.getheaders()
json.loads(body)

# Not a compressible type: /bytes is application/octet-stream.
r, body = get("/bytes/4096", "gzip")
assert r.getheader("Content-Encoding") is None and len(body) == 4096, r.getheaders()

# A streamed response: chunked, each chunk flushed, one gzip stream in all.
r, body = get("/stream/40", "gzip")
assert r.getheader("Transfer-Encoding") == "chunked" and r.getheader("Content-Encoding") == "gzip", r.getheaders()
lines = zlib.decompress(body, 31).decode().splitlines()
assert len(lines) == 40 and json.loads(lines[-1])["id"] == 39, lines[-1]

# HEAD: the same head as GET, no body.
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
c.request("HEAD", "/get?pad=" + pad, headers={"Accept-Encoding": "gzip"})
r = c.getresponse(); r.read()
assert r.getheader("Content-Encoding") == "gzip" and int(r.getheader("Content-Length")) < 2000, r.getheaders()

# Request bodies: gzip, zlib deflate and raw deflate are decoded before /post sees them.
document = json.dumps({"rehearsal": "x" * 5000}).encode()
raw = zlib.compressobj(6, zlib.DEFLATED, -15)
for encoding, data in [("gzip", zlib.compress(document, 6, 31) if sys.version_info >= (3, 11) else None),
                       ("deflate", zlib.compress(document)),
                       ("deflate", raw.compress(document) + raw.flush())]:
    if data is None:
        g = zlib.compressobj(6, zlib.DEFLATED, 31); data = g.compress(document) + g.flush()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("POST", "/post", body=data, headers={"Content-Encoding": encoding, "Content-Type": "application/json"})
    r = c.getresponse(); echoed = json.loads(r.read())
    assert r.status == 200, r.status
    assert echoed["json"] == json.loads(document), encoding
    assert echoed["headers"]["Content-Length"] == [str(len(document))], echoed["headers"]
    assert "Content-Encoding" not in echoed["headers"], echoed["headers"]
print("ok")
"""#

    @Test func roundTripsThroughPythonsZlib() async throws {
        guard let python = ExternalTool.require("python3") else { return }
        try await withTestServer { server in
            let result = try ExternalTool.run(python, ["-c", Self.roundTrips, String(server.dataPort)])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "ok\n")
        }
    }

    /// A small body that decodes past `server.limits.body_bytes` (a zip bomb) is refused with
    /// 413 without being held whole; data not in its coding is 400; an unknown coding 415.
    @Test func refusesBombsBadDataAndUnknownCodings() async throws {
        let config = makeTestConfig { $0.server.limits.bodyBytes = .kibibytes(64) }
        try await withTestServer(config) { server in
            let bomb = try #require(Deflater.compressAll([UInt8](repeating: 0, count: 4 << 20), .gzip))
            #expect(bomb.count < 64 * 1024)
            let refused = try Self.post(server, bomb, encoding: "gzip")
            #expect(refused.status == 413)
            #expect(refused.bodyText.contains("server.limits.body_bytes (64KiB)"), "\(refused.bodyText)")

            let bad = try Self.post(server, Array("not gzip at all".utf8), encoding: "gzip")
            #expect(bad.status == 400 && bad.bodyText.hasPrefix("request body is not valid gzip"))
            let cut = try #require(Deflater.compressAll(Array(repeating: 65, count: 1000), .gzip))
            #expect(try Self.post(server, Array(cut.dropLast(6)), encoding: "gzip").status == 400, "cut short")

            let unknown = try Self.post(server, Array("x".utf8), encoding: "br")
            #expect(unknown.status == 415)
            #expect(unknown.header("Accept-Encoding") == "gzip, deflate")

            // The connection stays usable after a refusal (the framing was fine).
            let client = try server.client()
            try client.send(Self.request(Array("zz".utf8), encoding: "compress") + Array("GET /get HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
            #expect(try client.readResponse().status == 415)
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func disabledLeavesBodiesAlone() async throws {
        let config = makeTestConfig { $0.compression.enabled = false }
        try await withTestServer(config) { server in
            let response = try RawClient.get("/get?pad=" + String(repeating: "a", count: 2000), port: server.dataPort,
                                             headers: "Accept-Encoding: gzip\r\n")
            #expect(response.header("Content-Encoding") == nil && response.header("Vary") == nil)
            let gz = try #require(Deflater.compressAll(Array("{\"a\":1}".utf8), .gzip))
            let echoed = try Self.post(server, gz, encoding: "gzip")
            #expect(echoed.status == 200 && echoed.bodyText.contains("\"Content-Encoding\""), "passed through as sent")
        }
    }

    @Test func configRangesAreChecked() {
        var config = UnderstudyConfig()
        config.compression.level = 0
        config.compression.types = ["application/json", "json", "*/*"]
        let keys = config.validationIssues().map(\.key)
        #expect(keys == ["compression.level", "compression.types[1]", "compression.types[2]"])
    }

    @Test(arguments: [
        ("text/*", "text/html; charset=utf-8", true), ("text/*", "TEXT/PLAIN", true), ("text/*", "application/json", false),
        ("application/json", "application/json", true), ("application/json", "application/jsonx", false),
        ("application/*+json", "application/problem+json", true), ("application/*+json", "application/json", false),
    ])
    func mediaTypePatterns(_ pattern: String, _ contentType: String, _ matches: Bool) throws {
        #expect(try #require(MediaTypePattern(pattern)).matches(contentType) == matches)
    }

    private static func request(_ body: [UInt8], encoding: String) -> [UInt8] {
        Array("POST /post HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Encoding: \(encoding)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    private static func post(_ server: TestServer, _ body: [UInt8], encoding: String) throws -> RawClient.Response {
        let client = try server.client()
        defer { client.close() }
        try client.send(request(body, encoding: encoding))
        return try client.readResponse()
    }
}
