import Testing
@testable import UnderstudyHTTP

/// The streaming parser hands the body on piece by piece: whatever the split, the pieces
/// joined equal the body, the head comes once, and the end is found exactly.
@Suite struct ResponseStreamParserTests {
    struct Read: Equatable {
        var status: Int?
        var body = ""
        var completed: Bool?
        var consumed = 0
    }

    /// Feeds `parts` in order, calling again after each `.head` as the parser asks.
    static func read(_ parts: [[UInt8]], method: String = "GET", bodyLimit: Int = .max) throws -> Read {
        var parser = ResponseStreamParser(requestMethod: method, headLimit: 512, bodyLimit: bodyLimit)
        var result = Read()
        var body: [UInt8] = []
        for part in parts {
            var offset = 0
            while true {
                let (consumed, event) = try part.withUnsafeBytes { raw in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...])) { body.append(contentsOf: $0) }
                }
                offset += consumed
                result.consumed += consumed
                if case .head(let head) = event {
                    #expect(result.status == nil, "one final head")
                    result.status = head.status
                    continue
                }
                if case .complete(let keeps) = event {
                    result.completed = keeps
                    result.body = String(decoding: body, as: UTF8.self)
                    return result
                }
                break
            }
        }
        result.body = String(decoding: body, as: UTF8.self)
        return result
    }

    static let responses: [(String, String, Bool)] = [
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "hello", true),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3;x=1\r\nllo\r\n0\r\nT: v\r\n\r\n", "hello", true),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", "ok", false),
        ("HTTP/1.1 204 No Content\r\n\r\n", "", true),
        ("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", "x", false),
    ]

    @Test(arguments: responses)
    func everySplitGivesTheSameResponse(_ text: String, _ body: String, _ keeps: Bool) throws {
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            let read = try Self.read([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(read.body == body && read.completed == keeps && read.consumed == bytes.count, "split at \(split)")
        }
    }

    @Test func bytesAfterTheEndAreLeftUnconsumed() throws {
        let first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        let read = try Self.read([Array((first + "HTTP/1.1 200 OK\r\n").utf8)])
        #expect(read.consumed == first.utf8.count && read.body == "hi")
    }

    @Test func headResponsesHaveNoBody() throws {
        let read = try Self.read([Array("HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n".utf8)], method: "HEAD")
        #expect(read.completed == true && read.body == "")
    }

    @Test func aBodyUntilCloseEndsAtEndOfStream() throws {
        var parser = ResponseStreamParser()
        var body: [UInt8] = []
        let bytes = Array("HTTP/1.1 200 OK\r\n\r\nuntil close".utf8)
        var offset = 0
        while offset < bytes.count {
            let (consumed, _) = try bytes.withUnsafeBytes { raw in
                try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...])) { body.append(contentsOf: $0) }
            }
            offset += consumed
        }
        #expect(try parser.finishAtEndOfStream())
        #expect(String(decoding: body, as: UTF8.self) == "until close")
        #expect(try parser.finishAtEndOfStream() == false, "after it, nothing is pending")
    }

    @Test func aBodyCutShortIsTruncated() throws {
        var parser = ResponseStreamParser()
        let bytes = Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)
        var offset = 0
        while offset < bytes.count {
            let (consumed, _) = try bytes.withUnsafeBytes { raw in
                try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...])) { _ in }
            }
            offset += consumed
        }
        #expect(throws: ResponseParseError.truncatedBody) { try parser.finishAtEndOfStream() }
    }

    /// For a proxy: end-to-end fields come as wire bytes (name's case kept, value trimmed),
    /// framing fields as headers, other hop-by-hop fields nowhere; a head split across reads
    /// gives the same.
    @Test(arguments: [1, 7, 1000])
    func aForwardingParserPassesEndToEndFieldsAsBytes(splitAt: Int) throws {
        let wire = Array(("HTTP/1.1 200 OK\r\nX-Rehearsal:  yes \r\nKeep-Alive: timeout=5\r\nCONTENT-LENGTH: 2\r\n"
            + "Proxy-Connection: keep-alive\r\nSet-Cookie: a=1\r\nConnection: close\r\nUpgrade: h2c\r\nTrailer: X\r\n"
            + "Transfer-Encodings: none\r\n\r\nok").utf8)
        var parser = ResponseStreamParser(forwarding: true)
        var head: ResponseHead?
        var completed: Bool?
        for part in [Array(wire.prefix(splitAt)), Array(wire.dropFirst(splitAt))] where !part.isEmpty {
            var offset = 0
            parsing: while true {
                let (consumed, event) = try part.withUnsafeBytes { raw in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...])) { _ in }
                }
                offset += consumed
                switch event {
                case .head(let parsed): head = parsed
                case .complete(let keeps): completed = keeps; break parsing
                case .needMore: break parsing
                }
            }
        }
        let parsed = try #require(head)
        #expect(String(decoding: parsed.forwardedFields, as: UTF8.self)
            == "X-Rehearsal: yes\r\nSet-Cookie: a=1\r\nTransfer-Encodings: none\r\n")
        #expect(parsed.headers.map { $0.name } == ["CONTENT-LENGTH", "Connection"])
        #expect(completed == false, "Connection: close is still read")
    }

    @Test func aPlainParserKeepsEveryFieldAsAHeader() throws {
        var parser = ResponseStreamParser()
        let wire = Array("HTTP/1.1 204 No Content\r\nKeep-Alive: timeout=5\r\nX-A: 1\r\n\r\n".utf8)
        let (_, event) = try wire.withUnsafeBytes { try parser.parse($0) { _ in } }
        guard case .head(let head) = event else { Issue.record("no head: \(event)"); return }
        #expect(head.headers.count == 2 && head.forwardedFields.isEmpty)
    }

    @Test func theBodyLimitHoldsForEveryFraming() throws {
        #expect(throws: ResponseParseError.bodyTooLarge(limit: 4)) {
            try Self.read([Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".utf8)], bodyLimit: 4)
        }
        #expect(throws: ResponseParseError.bodyTooLarge(limit: 4)) {
            try Self.read([Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".utf8)], bodyLimit: 4)
        }
    }
}
