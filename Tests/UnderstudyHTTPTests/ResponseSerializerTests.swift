import Testing
@testable import UnderstudyHTTP

@Suite struct ResponseSerializerTests {
    @Test func writesStatusLineFieldsAndBlankLine() {
        let buffer = ByteBuffer()
        ResponseSerializer.writeHead(status: 404, headers: ["A": "1"], into: buffer)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == "HTTP/1.1 404 Not Found\r\nA: 1\r\n\r\n")
    }

    @Test func writesChunks() {
        let buffer = ByteBuffer()
        Array("hello world, more than 15".utf8).withUnsafeBytes { ResponseSerializer.writeChunk($0, into: buffer) }
        ResponseSerializer.writeLastChunk(into: buffer)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == "19\r\nhello world, more than 15\r\n0\r\n\r\n")
    }

    @Test(arguments: [(0, "0"), (7, "7"), (200, "200"), (-12, "-12"), (1_234_567_890, "1234567890"), (Int.min, "-9223372036854775808")])
    func writesDecimals(_ value: Int, _ text: String) {
        let buffer = ByteBuffer(capacity: 1)
        buffer.appendDecimal(value)
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == text)
    }

    @Test func formatsIMFFixdate() {
        #expect(HTTPDate.format(epochSeconds: 784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}

@Suite struct ByteBufferTests {
    @Test func growsPastItsCapacityKeepingEveryByte() {
        let buffer = ByteBuffer(capacity: 1)
        var expected: [UInt8] = []
        for round in 0..<200 {
            let piece = Array(String(repeating: "x", count: round % 40).utf8) + [UInt8(round % 256)]
            buffer.append(piece)
            expected += piece
        }
        buffer.append(utf8: "caf\u{e9}")
        buffer.append("static")
        expected += Array("caf\u{e9}static".utf8)
        #expect(buffer.array == expected)
        buffer.removeAll()
        #expect(buffer.isEmpty)
    }
}
