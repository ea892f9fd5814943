import Testing
@testable import UnderstudyHTTP

/// What parsing a whole input produced, for table rows.
enum ParseOutcome: Equatable {
    case request(method: String, target: String, body: String = "")
    case incomplete
    case rejected(RequestRejection)
}

func parse(_ input: String, limits: ParserLimits = ParserLimits()) -> ParseOutcome {
    var parser = RequestParser(limits: limits)
    let bytes = Array(input.utf8)
    return bytes.withUnsafeBytes { raw -> ParseOutcome in
        var offset = 0
        while true {
            let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            offset += consumed
            switch event {
            case .needMore: if consumed == 0 || offset == raw.count { return .incomplete }
            case .head, .body: continue
            case .complete(let request):
                return .request(method: request.method, target: request.target,
                                body: String(decoding: request.body, as: UTF8.self))
            case .rejected(let rejection): return .rejected(rejection)
            }
        }
    }
}

@Suite struct RequestParserTests {
    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", ParseOutcome.request(method: "GET", target: "/")),
        ("GET / HTTP/1.1\r\nHost: a\r\n", .incomplete),
        ("GET /x?y=1 HTTP/1.0\r\n\r\n", .request(method: "GET", target: "/x?y=1")),
        ("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .request(method: "GET", target: "/")),
        ("GET / HTTP/1.1\nHost: a\n\n", .request(method: "GET", target: "/")),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", .request(method: "POST", target: "/", body: "hello")),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello", .request(method: "POST", target: "/", body: "hello")),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel", .incomplete),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
         .request(method: "POST", target: "/", body: "hello")),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
         .request(method: "POST", target: "/", body: "hello world")),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", .incomplete),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: caf\u{e9}\r\n\r\n", .request(method: "GET", target: "/")),
    ])
    func acceptsValidRequests(_ input: String, _ expected: ParseOutcome) {
        #expect(parse(input) == expected)
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRejection.conflictingFraming),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n", .conflictingContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", .transferEncodingNotChunked),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .transferEncodingNotChunked),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .transferEncodingNotChunked),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unknownTransferCoding("gzip")),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\n Host: a\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n", .invalidFieldName),
        ("GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n", .invalidFieldName),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", .invalidFieldName),
        ("GET / HTTP/1.1\r\nHost: a\rX: 1\r\n\r\n", .bareCarriageReturn),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", .nulByte),
        ("GET /\u{0} HTTP/1.1\r\nHost: a\r\n\r\n", .nulByte),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{1}b\r\n\r\n", .invalidFieldValue),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .multipleHost),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion("2.0")),
        ("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET / FOO/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n", .bodyTooLarge(limit: 10 << 20)),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX", .malformedChunk),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n", .invalidChunkSize),
    ])
    func rejectsAmbiguousRequests(_ input: String, _ expected: RequestRejection) {
        #expect(parse(input) == .rejected(expected))
        #expect(expected.status >= 400 && !expected.reason.isEmpty)
    }

    @Test func enforcesLimits() {
        let limits = ParserLimits(requestLine: 64, headerBytes: 128, headerFields: 3, bodyBytes: 10)
        let longLine = "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(parse(longLine, limits: limits) == .rejected(.requestLineTooLong(limit: 64)))
        #expect(parse("GET /" + String(repeating: "a", count: 100), limits: limits) == .rejected(.requestLineTooLong(limit: 64)))
        let bigHeader = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 200) + "\r\n\r\n"
        #expect(parse(bigHeader, limits: limits) == .rejected(.headerTooLarge(limit: 128)))
        let manyFields = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(parse(manyFields, limits: limits) == .rejected(.tooManyHeaderFields(limit: 3)))
        #expect(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits)
                == .rejected(.bodyTooLarge(limit: 10)))
        let chunkedTooBig = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n"
        #expect(parse(chunkedTooBig, limits: limits) == .rejected(.bodyTooLarge(limit: 10)))
        #expect(RequestRejection.requestLineTooLong(limit: 64).status == 414)
        #expect(RequestRejection.headerTooLarge(limit: 1).status == 431)
        #expect(RequestRejection.bodyTooLarge(limit: 1).status == 413)
    }

    @Test func acceptsAnEightThousandOctetRequestLine() {
        let target = "/" + String(repeating: "x", count: 8000)
        #expect(parse("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n") == .request(method: "GET", target: target))
    }

    @Test func acceptsHundredFields() {
        let fields = (0..<100).map { "X-\($0): \($0)\r\n" }.joined()
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n") == .rejected(.tooManyHeaderFields(limit: 100)))
        let ninetyNine = (0..<99).map { "X-\($0): \($0)\r\n" }.joined()
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n\(ninetyNine)\r\n") == .request(method: "GET", target: "/"))
    }

    static let splitInputs = [
        "GET /a?b=c HTTP/1.1\r\nHost: example\r\nUser-Agent: t\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n",
        "\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    /// Every valid request, split at every byte offset, parses to the same request.
    @Test(arguments: splitInputs)
    func parsesRequestSplitAtEveryOffset(_ input: String) {
        let whole = parse(input)
        guard case .request = whole else { Issue.record("not a valid request: \(input)"); return }
        let bytes = Array(input.utf8)
        for split in 0...bytes.count {
            #expect(parseInTwo(Array(bytes[..<split]), Array(bytes[split...])) == whole, "split at \(split)")
        }
    }

    /// Feeds two reads the way a connection does: unconsumed bytes are kept and resent.
    func parseInTwo(_ first: [UInt8], _ second: [UInt8]) -> ParseOutcome {
        var parser = RequestParser()
        var pending: [UInt8] = []
        for read in [first, second] {
            pending += read
            var offset = 0
            let result = pending.withUnsafeBytes { raw -> ParseOutcome? in
                while true {
                    let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                    offset += consumed
                    switch event {
                    case .needMore: if consumed == 0 || offset == raw.count { return nil }
                    case .head, .body: continue
                    case .complete(let r):
                        return .request(method: r.method, target: r.target, body: String(decoding: r.body, as: UTF8.self))
                    case .rejected(let rejection): return .rejected(rejection)
                    }
                }
            }
            if let result { return result }
            pending.removeFirst(offset)
        }
        return .incomplete
    }

    @Test func parsesPipelinedRequestsInOrder() {
        let input = Array("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        var parser = RequestParser()
        var targets: [String] = []
        input.withUnsafeBytes { raw in
            var offset = 0
            while offset <= raw.count {
                let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                offset += consumed
                if case .complete(let request) = event { targets.append(request.target) }
                if case .needMore = event, consumed == 0 || offset == raw.count { break }
            }
        }
        #expect(targets == ["/1", "/2", "/3"])
    }

    @Test func headersLookUpIgnoringCase() {
        let headers: HTTPHeaders = ["Content-Type": "a", "connection": "Keep-Alive, Upgrade"]
        #expect(headers["content-type"] == "a")
        #expect(headers.contains("Connection", token: "keep-alive"))
        #expect(headers.contains("CONNECTION", token: "upgrade"))
        #expect(!headers.contains("Connection", token: "close"))
    }
}


/// Streaming bodies (a proxy's parser): the `.body` pieces joined equal the collected body,
/// whatever the split, and the request after them is found.
@Suite struct RequestParserStreamingTests {
    static let requests = [
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nT: v\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /g HTTP/1.1\r\nHost: a\r\n\r\n",
    ]

    /// Body pieces and completed targets, feeding `parts` as a connection would.
    static func stream(_ parts: [[UInt8]]) -> (body: String, completed: [String]) {
        var parser = RequestParser(limits: ParserLimits(bodyBytes: 4), streamsBodies: true)
        var pending: [UInt8] = []
        var body: [UInt8] = []
        var completed: [String] = []
        for part in parts {
            pending += part
            var offset = 0
            pending.withUnsafeBytes { raw in
                while true {
                    let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                    offset += consumed
                    switch event {
                    case .needMore: if consumed == 0 || offset == raw.count { return }
                    case .head: continue
                    case .body(let piece): body += piece
                    case .complete(let request):
                        #expect(request.body.isEmpty)
                        completed.append(request.target)
                    case .rejected(let rejection):
                        Issue.record("rejected: \(rejection)")
                        return
                    }
                }
            }
            pending.removeFirst(offset)
        }
        return (String(decoding: body, as: UTF8.self), completed)
    }

    @Test(arguments: requests)
    func piecesJoinToTheBodyAtEverySplit(_ request: String) {
        let bytes = Array((request + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n").utf8)
        guard case .request(_, _, let expected) = parse(request) else { Issue.record("not a request"); return }
        for split in 0...bytes.count {
            let (body, completed) = Self.stream([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(body == expected, "split at \(split)")
            #expect(completed == [request.hasPrefix("GET") ? "/g" : "/p", "/next"], "split at \(split)")
        }
    }
}
