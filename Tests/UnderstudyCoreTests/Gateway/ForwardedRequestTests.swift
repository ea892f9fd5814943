import Testing
import UnderstudyHTTP
@testable import UnderstudyCore

/// What the gateway sends a target for a client's request, from its bytes, and the trace
/// ids it makes, checked against ALB's documented examples.
@Suite struct ForwardedRequestTests {
    static func forwarded(_ raw: String, clientIP: String = "127.0.0.1") -> String {
        var parser = RequestParser()
        let bytes = Array(raw.utf8)
        var offset = 0
        while true {
            let (consumed, event) = bytes.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            offset += consumed
            if case .complete(let request) = event {
                let context = ForwardedRequest.Context(clientIP: clientIP, scheme: "http", listenerPort: 8000,
                                                       traceID: "Root=1-00000000-000000000000000000000000", fallbackHost: "lb.local:8000")
                return String(decoding: ForwardedRequest.bytes(for: request, context), as: UTF8.self)
            }
            if case .rejected = event { return "rejected" }
        }
    }

    @Test func hopByHopFieldsStayAndALBFieldsAreAdded() {
        let sent = Self.forwarded("GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\n"
            + "Keep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: h2c\r\nExpect: 100-continue\r\nAccept: */*\r\n\r\n")
        #expect(sent == "GET /a?b=1 HTTP/1.1\r\nHost: example.com:8000\r\nAccept: */*\r\nX-Forwarded-For: 127.0.0.1\r\n"
            + "X-Forwarded-Proto: http\r\nX-Forwarded-Port: 8000\r\nX-Amzn-Trace-Id: Root=1-00000000-000000000000000000000000\r\n\r\n")
    }

    /// ALB's examples: no header gives the client's address; an existing one gets it appended.
    @Test(arguments: [("", "127.0.0.1"), ("X-Forwarded-For: 127.0.0.4\r\n", "127.0.0.4, 127.0.0.1"),
                      ("X-Forwarded-For: 127.0.0.4, 127.0.0.8\r\n", "127.0.0.4, 127.0.0.8, 127.0.0.1")])
    func xForwardedForAppendsTheClient(_ field: String, _ expected: String) {
        let sent = Self.forwarded("GET / HTTP/1.1\r\nHost: a\r\n\(field)\r\n")
        #expect(sent.contains("\r\nX-Forwarded-For: \(expected)\r\n"))
    }

    @Test func bodiesGoWithTheirLengthAndHTTP10GetsAHost() {
        let posted = Self.forwarded("POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(posted.hasPrefix("POST /p HTTP/1.1\r\n") && posted.hasSuffix("Content-Length: 3\r\n\r\nabc"))
        #expect(!posted.contains("chunked"))
        let old = Self.forwarded("GET / HTTP/1.0\r\n\r\n")
        #expect(old.hasPrefix("GET / HTTP/1.1\r\nHost: lb.local:8000\r\n"))
    }

    @Test func traceIDsFollowALBsFormat() {
        var generator = TraceIDGenerator()
        let fresh = generator.header(forClientValue: nil, epochSeconds: 0x5833_7262)
        #expect(fresh.wholeMatch(of: /Root=1-58337262-[0-9a-f]{24}/) != nil)
        // "If the X-Amzn-Trace-Id header is present and has a Root field, the load balancer inserts a Self field."
        let kept = generator.header(forClientValue: "Root=1-67891233-abcdef012345678912345678;CalledFrom=app", epochSeconds: 0x5833_7262)
        #expect(kept.wholeMatch(of: /Self=1-58337262-[0-9a-f]{24};Root=1-67891233-abcdef012345678912345678;CalledFrom=app/) != nil)
        // "…and has a Self field, the load balancer updates the value of the Self field."
        let updated = generator.header(forClientValue: "Self=1-00000000-000000000000000000000000;Root=1-67891233-abcdef012345678912345678",
                                       epochSeconds: 0x5833_7262)
        #expect(updated.hasPrefix("Self=1-58337262-") && updated.hasSuffix(";Root=1-67891233-abcdef012345678912345678"))
        #expect(generator.header(forClientValue: "garbage", epochSeconds: 0).hasPrefix("Root=1-00000000-"))
    }

    @Test(arguments: [(-1.0, "-1"), (0, "0.000"), (0.0004, "0.000"), (0.0016, "0.002"), (1.25, "1.250"), (61.0, "61.000")])
    func timingsHaveMillisecondPrecision(_ seconds: Double, _ text: String) {
        #expect(GatewayAccessLog.seconds(seconds) == text)
    }
}

/// ALB's Host rewriting, from its documented examples.
@Suite struct ForwardedHostTests {
    @Test(arguments: [
        ("www.example.com", UInt16(8080), "www.example.com:8080"),
        ("WWW.Example.COM:9000", 8080, "www.example.com:9000"),
        ("example.com:80", 80, "example.com"),
        ("example.com", 443, "example.com"),
        ("[::1]:8000", 8000, "[::1]:8000"),
        ("[::1]", 8000, "[::1]:8000"),
        ("[::1]:80", 80, "[::1]"),
    ])
    func hostIsLoweredAndCarriesTheListenerPort(_ value: String, _ port: UInt16, _ expected: String) {
        #expect(ForwardedRequest.host(value, listenerPort: port) == expected)
    }

    @Test(arguments: [("127.0.0.1:5123", "127.0.0.1"), ("[::1]:5123", "::1"), ("[fe80::1%eth0]:80", "fe80::1%eth0"), ("unix", "unix")])
    func theClientsAddressLosesItsPort(_ address: String, _ host: String) {
        #expect(ForwardedRequest.host(of: address) == host)
    }
}
