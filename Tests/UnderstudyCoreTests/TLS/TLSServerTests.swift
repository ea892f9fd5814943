import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// HTTPS on the data plane, on loopback with real clients: curl verifying against a
/// generated CA, Python's ssl with TLS 1.2 and 1.3 forced, boto3 against a self-signed
/// certificate; a plain-HTTP request to the TLS port, a handshake that never completes, a
/// fault rule's reset under TLS, and the certificate errors at start.
@Suite struct TLSServerTests {
    static func config(_ certificates: TLSCertificates?, _ adjust: (inout UnderstudyConfig) -> Void = { _ in }) -> UnderstudyConfig {
        makeTestConfig { config in
            config.tls.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
            if let certificates {
                config.tls.cert = certificates.certificate
                config.tls.key = certificates.key
            } else {
                config.tls.selfSigned = true
            }
            adjust(&config)
        }
    }

    @Test func curlVerifiesAgainstTheGeneratedCA() async throws {
        guard let certificates = try TLSCertificates.make(), let curl = ExternalTool.require("curl") else { return }
        defer { certificates.remove() }
        try await withTestServer(Self.config(certificates)) { server in
            let port = try #require(server.tlsPort)
            let result = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "--cacert", certificates.ca,
                                                     "-w", "\n%{http_code} %{http_version}", "https://localhost:\(port)/get?a=1"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.last == "200 1.1")
            #expect(result.stdout.contains("\"url\": \"https://localhost:\(port)/get?a=1\""), "the echoed URL says https")
            // The plain listener still speaks plain HTTP next to it.
            #expect(try RawClient.get("/health", port: server.dataPort).status == 200)
            // Without the CA, curl refuses the certificate: it is verified, not waved through.
            let unverified = try ExternalTool.run(curl, ["-sS", "--max-time", "5", "https://localhost:\(port)/health"])
            #expect(unverified.status == 60, "curl exit 60: peer certificate cannot be authenticated")
        }
    }

    static let pythonVersions = #"""
import json, socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
out = {}
for name, version in [("1.2", ssl.TLSVersion.TLSv1_2), ("1.3", ssl.TLSVersion.TLSv1_3)]:
    context = ssl.create_default_context(cafile=ca)
    context.minimum_version = context.maximum_version = version
    context.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, context.wrap_socket(raw, server_hostname="localhost") as s:
        agreed = {"version": s.version(), "alpn": s.selected_alpn_protocol()}
        s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(4096):
            data += chunk
        out[name] = dict(agreed, status=data.split(b" ")[1].decode())
# A client offering only h2 still gets a handshake, without ALPN (as nginx answers).
context = ssl.create_default_context(cafile=ca)
context.set_alpn_protocols(["h2"])
with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, context.wrap_socket(raw, server_hostname="localhost") as s:
    out["h2only"] = s.selected_alpn_protocol()
print(json.dumps(out))
"""#

    @Test func pythonSSLWithTLS12AndTLS13Forced() async throws {
        guard let certificates = try TLSCertificates.make(), let python = ExternalTool.require("python3") else { return }
        defer { certificates.remove() }
        try await withTestServer(Self.config(certificates)) { server in
            let port = try #require(server.tlsPort)
            let result = try ExternalTool.run(python, ["-c", Self.pythonVersions, String(port), certificates.ca])
            try #require(result.status == 0, "\(result.stderr)")
            let out = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let v12 = try #require(out["1.2"] as? [String: String]), v13 = try #require(out["1.3"] as? [String: String])
            #expect(v12 == ["version": "TLSv1.2", "alpn": "http/1.1", "status": "200"])
            #expect(v13 == ["version": "TLSv1.3", "alpn": "http/1.1", "status": "200"])
            #expect(out["h2only"] is NSNull)
        }
    }

    @Test func boto3SQSOverHTTPSWithASelfSignedCertificate() async throws {
        try await withTestServer(Self.config(nil)) { server in
            let port = try #require(server.tlsPort)
            guard let out = try SQSBoto3Script.run(#"""
            import urllib3
            urllib3.disable_warnings()
            url = sqs.create_queue(QueueName='secure')['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='over tls')
            out['bodies'] = [m['Body'] for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)['Messages']]
            out['url'] = url
            """#, dataURL: "https://127.0.0.1:\(port)", adminPort: server.adminPort) else { return }
            #expect(out["bodies"].array.compactMap(\.string) == ["over tls"])
            #expect(out["url"].string?.hasPrefix("https://127.0.0.1:\(port)/") == true, "\(out["url"])")
        }
    }

    /// nginx's answer (its 497, as 400) in plain HTTP, then FIN: no reset, no crash, and the
    /// port goes on serving TLS.
    @Test func plainHTTPToTheTLSPortGetsAPlainRefusalAndACleanClose() async throws {
        try await withTestServer(Self.config(nil)) { server in
            let port = try #require(server.tlsPort)
            let client = try RawClient(port: port)
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            let (bytes, ending) = client.readAll()
            #expect(ending == .eof, "a FIN, not a reset: \(ending)")
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n") && text.contains("plain HTTP request was sent to an HTTPS port"))
            #expect(try RawClient.get("/health", port: server.dataPort).status == 200)
        }
    }

    /// A client that starts a handshake and goes quiet is closed at `tls.handshake_timeout`.
    @Test func aHandshakeThatNeverCompletesIsClosed() async throws {
        let config = Self.config(nil) { $0.tls.handshakeTimeout = ConfigDuration(.milliseconds(300)) }
        try await withTestServer(config) { server in
            let client = try RawClient(port: try #require(server.tlsPort), timeout: .seconds(5))
            try client.send([0x16, 0x03, 0x01])   // the first bytes of a ClientHello record, then silence
            let started = ContinuousClock.now
            let ending = client.waitForEnd()
            let waited = ContinuousClock.now - started
            #expect(ending == .eof, "\(ending)")
            #expect(waited >= .milliseconds(250) && waited < .seconds(4), "closed after \(waited)")
            #expect(await Self.waitForMetric(server, #"understudy_http_connections_closed_total{plane="data",reason="handshake_timeout"} 1"#))
        }
    }

    /// A fault rule's `reset` is a TCP reset under TLS too (no close_notify first): curl
    /// reports "Connection reset by peer" (exit 56), as on the plain port.
    @Test func aFaultResetIsATCPResetUnderTLS() async throws {
        guard let curl = ExternalTool.require("curl") else { return }
        let config = Self.config(nil) { config in
            config.faults.rules = [ruleValue(#"{"name": "cut", "match": {"path": "/get"}, "connection": "reset"}"#)]
        }
        try await withTestServer(config) { server in
            let result = try ExternalTool.run(curl, ["-sS", "-k", "--max-time", "5", "https://127.0.0.1:\(try #require(server.tlsPort))/get"])
            #expect(result.status == 56 && result.stderr.contains("reset"), "\(result.status) \(result.stderr)")
        }
    }

    /// Polls the admin plane's metrics (bounded) for `line`; records the closes seen if it
    /// does not come.
    static func waitForMetric(_ server: TestServer, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        var last = ""
        while ContinuousClock.now < deadline {
            last = (try? server.adminGet("/metrics").bodyText) ?? ""
            if last.contains(line) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let closes = last.split(separator: "\n").filter { $0.hasPrefix("understudy_http_connections_closed_total") }
        Issue.record("no \(line) in: \(closes)", sourceLocation: sourceLocation)
        return false
    }

    @Test func certificateProblemsNameTheKeyAndTheFile() throws {
        guard let certificates = try TLSCertificates.make() else { return }
        defer { certificates.remove() }
        var tls = TLSConfig()
        tls.listen = [ListenAddress(host: "127.0.0.1", port: 0)]
        tls.cert = certificates.directory + "/missing.pem"
        tls.key = certificates.key
        #expect(throws: ConfigError.self) { try tls.makeContext() }
        do { _ = try tls.makeContext() } catch {
            #expect(error.key == "tls.cert" && error.reason.contains("missing.pem"), "\(error)")
        }
        tls.cert = certificates.certificate
        tls.key = certificates.otherKey
        do { _ = try tls.makeContext(); Issue.record("a mismatched key was accepted") } catch {
            #expect(error.key == "tls.key" && error.reason.contains(certificates.otherKey), "\(error)")
        }
        tls.key = certificates.key
        #expect(throws: Never.self) { try tls.makeContext() }
    }

    @Test func configNeedsACertificateOrSelfSigned() {
        var config = UnderstudyConfig()
        config.tls.listen = [ListenAddress(host: "127.0.0.1", port: 8443)]
        #expect(config.validationIssues().map(\.key) == ["tls.cert", "tls.key"])
        config.tls.selfSigned = true
        #expect(config.validationIssues().isEmpty)
        config.tls.cert = "/x.pem"
        #expect(config.validationIssues().map(\.key) == ["tls.cert"])
        config = UnderstudyConfig()
        config.tls.key = "/k.pem"
        #expect(config.validationIssues().map(\.key) == ["tls.cert"], "a key without its certificate")
    }

    /// `tls.admin: true`: the admin API answers over HTTPS, and only there.
    @Test func theAdminPlaneCanListenWithTLS() async throws {
        guard let curl = ExternalTool.require("curl") else { return }
        try await withTestServer(Self.config(nil) { $0.tls.admin = true }) { server in
            let url = "https://127.0.0.1:\(server.adminPort)/api/state"
            let secure = try ExternalTool.run(curl, ["-sS", "-k", "--max-time", "5", "-w", "%{http_code}", "-o", "/dev/null", url])
            #expect(secure.stdout == "200", "\(secure.stderr)")
            let plain = try RawClient(port: server.adminPort)
            try plain.send("GET /api/state HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(String(decoding: plain.readAll().bytes, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request"))
        }
    }

    /// `understudy probe` and `understudy load` take https URLs (the certificate not verified,
    /// as an ALB health check does not verify its target's).
    @Test func probeAndLoadSpeakHTTPS() async throws {
        try await withTestServer(Self.config(nil)) { server in
            let url = "https://127.0.0.1:\(try #require(server.tlsPort))/health"
            let probe = try await BinaryProcess.run(["probe", "--once", url])
            #expect(probe.status == 0, "\(probe.stdout) \(probe.stderr)")
            let load = try await BinaryProcess.run(["load", url, "--connections", "2", "--rate", "50", "--duration", "300ms", "--json"])
            #expect(load.status == 0, "\(load.stderr)")
            let summary = load.stdout.split(separator: "\n").first { $0.contains("\"load_finished\"") } ?? ""
            #expect(summary.contains("\"200\":"), "\(summary)")
            #expect(!summary.contains("\"errors\":{\""), "\(summary)")
        }
    }

    /// `understudy serve --tls-self-signed`: the HTTPS port is on its own `listening` line.
    @Test func theBinaryServesHTTPSWithASelfSignedCertificate() async throws {
        guard let curl = ExternalTool.require("curl") else { return }
        let process = try BinaryProcess(["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                                         "--tls-listen", "127.0.0.1:0", "--tls-self-signed"])
        defer { process.stop() }
        let port = try #require(await process.port(plane: "data", scheme: "https"))
        let result = try ExternalTool.run(curl, ["-sS", "-k", "--max-time", "5", "-w", "%{http_code}", "-o", "/dev/null",
                                                 "https://127.0.0.1:\(port)/health"])
        #expect(result.stdout == "200", "\(result.stderr)")
    }
}
