import Testing
@testable import UnderstudyHTTP

/// What reading a whole input (then, optionally, the server's close) produced.
enum ResponseOutcome: Equatable {
    case response(status: Int, body: String, keepsConnection: Bool)
    case incomplete
    case failed(ResponseParseError)
}

/// Feeds `parts` one after another, then the end of stream if `closed`.
func readResponse(_ parts: [[UInt8]], method: String = "GET", closed: Bool = false) -> ResponseOutcome {
    var parser = ResponseParser(requestMethod: method, headLimit: 256, bodyLimit: 64)
    do {
        for part in parts {
            let (consumed, outcome) = try parser.parse(part)
            if case .complete(let response) = outcome {
                #expect(consumed <= part.count)
                return .response(status: response.status, body: String(decoding: response.body, as: UTF8.self),
                                 keepsConnection: response.keepsConnection)
            }
            #expect(consumed == part.count, "an incomplete parse takes every byte")
        }
        if closed, let response = try parser.finishAtEndOfStream() {
            return .response(status: response.status, body: String(decoding: response.body, as: UTF8.self),
                             keepsConnection: response.keepsConnection)
        }
        return .incomplete
    } catch {
        return .failed(error)
    }
}

func readResponse(_ input: String, method: String = "GET", closed: Bool = false) -> ResponseOutcome {
    readResponse([Array(input.utf8)], method: method, closed: closed)
}

@Suite struct ResponseParserTests {
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", ResponseOutcome.response(status: 200, body: "hi", keepsConnection: true)),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nh", .incomplete),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", .incomplete),
        ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", .response(status: 503, body: "", keepsConnection: true)),
        ("HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", .response(status: 200, body: "x", keepsConnection: true)),
        ("HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\nx", .response(status: 200, body: "x", keepsConnection: true)),
        ("HTTP/1.1 200 OK\nContent-Length: 1\n\nx", .response(status: 200, body: "x", keepsConnection: true)),
        ("\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", .response(status: 200, body: "x", keepsConnection: true)),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", .response(status: 200, body: "x", keepsConnection: false)),
        ("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", .response(status: 200, body: "x", keepsConnection: false)),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx", .response(status: 200, body: "x", keepsConnection: true)),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n1;x=y\r\n!\r\n0\r\nT: v\r\n\r\n",
         .response(status: 200, body: "hi!", keepsConnection: true)),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n", .incomplete),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .failed(.malformedChunk)),
        ("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", .response(status: 204, body: "", keepsConnection: true)),
        ("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", .response(status: 304, body: "", keepsConnection: true)),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", .response(status: 201, body: "x", keepsConnection: true)),
        ("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", .incomplete),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", .response(status: 101, body: "", keepsConnection: false)),
        ("HTTP/1.1 200 OK\r\n\r\nabc", .incomplete),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx", .response(status: 200, body: "x", keepsConnection: true)),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nx", .failed(.invalidContentLength)),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nx", .failed(.invalidContentLength)),
        ("HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n", .incomplete),
        ("HTTP/2 200\r\n\r\n", .failed(.malformedStatusLine)),
        ("HTTP/2.0 200 OK\r\n\r\n", .failed(.unsupportedVersion("2.0"))),
        ("HTTP/1.1 20 OK\r\n\r\n", .failed(.malformedStatusLine)),
        ("HTTP/1.1 099 OK\r\n\r\n", .failed(.malformedStatusLine)),
        ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", .failed(.invalidField)),
        ("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", .failed(.invalidField)),
        ("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", .failed(.invalidField)),
        ("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", .failed(.bareCarriageReturn)),
        ("garbage\r\n\r\n", .failed(.malformedStatusLine)),
    ])
    func readsResponses(_ input: String, _ expected: ResponseOutcome) {
        #expect(readResponse(input) == expected)
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n\r\nabc", ResponseOutcome.response(status: 200, body: "abc", keepsConnection: false)),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", .response(status: 200, body: "zz", keepsConnection: false)),
        ("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab", .failed(.truncatedBody)),
        ("HTTP/1.1 200 OK\r\nContent", .failed(.truncatedBody)),
        ("", .incomplete),
    ])
    func endOfStreamEndsCloseDelimitedBodies(_ input: String, _ expected: ResponseOutcome) {
        #expect(readResponse(input, closed: true) == expected)
    }

    @Test func headResponsesHaveNoBody() {
        #expect(readResponse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method: "HEAD")
                == .response(status: 200, body: "", keepsConnection: true))
    }

    @Test func limitsAreEnforced() {
        let longHead = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 300) + "\r\n\r\n"
        #expect(readResponse(longHead) == .failed(.headTooLarge(limit: 256)))
        let longBody = "HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n" + String(repeating: "b", count: 65)
        #expect(readResponse(longBody) == .failed(.bodyTooLarge(limit: 64)))
        let longChunk = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n"
        #expect(readResponse(longChunk) == .failed(.bodyTooLarge(limit: 64)))
    }

    static let validResponses: [(String, ResponseOutcome)] = [
        ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
         .response(status: 200, body: "hello", keepsConnection: true)),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\n!!!\r\n0\r\n\r\n",
         .response(status: 200, body: "hello!!!", keepsConnection: true)),
        ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 4\r\n\r\ndown",
         .response(status: 503, body: "down", keepsConnection: false)),
    ]

    @Test(arguments: validResponses)
    func everySplitOffsetGivesTheSameResponse(_ input: String, _ expected: ResponseOutcome) {
        let bytes = Array(input.utf8)
        for offset in 0...bytes.count {
            #expect(readResponse([Array(bytes[..<offset]), Array(bytes[offset...])]) == expected, "split at \(offset)")
        }
        #expect(readResponse(bytes.map { [$0] }) == expected, "one byte at a time")
    }

    @Test func bytesAfterAResponseAreLeftForTheNext() throws {
        var parser = ResponseParser()
        let two = Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)
        let (consumed, first) = try parser.parse(two)
        guard case .complete(let response) = first else { Issue.record("first incomplete"); return }
        #expect(response.status == 200)
        let (rest, second) = try parser.parse(Array(two[consumed...]))
        #expect(rest == two.count - consumed)
        guard case .complete(let next) = second else { Issue.record("second incomplete"); return }
        #expect(next.status == 404)
    }
}
