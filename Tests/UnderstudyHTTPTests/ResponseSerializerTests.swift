import Testing
@testable import UnderstudyHTTP

@Suite struct ResponseSerializerTests {
    @Test func writesStatusLineFieldsAndBlankLine() {
        var buffer: [UInt8] = []
        ResponseSerializer.writeHead(status: 404, headers: ["A": "1"], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "HTTP/1.1 404 Not Found\r\nA: 1\r\n\r\n")
    }

    @Test func writesChunks() {
        var buffer: [UInt8] = []
        Array("hello world, more than 15".utf8).withUnsafeBytes { ResponseSerializer.writeChunk($0, into: &buffer) }
        ResponseSerializer.writeLastChunk(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "19\r\nhello world, more than 15\r\n0\r\n\r\n")
    }

    @Test(arguments: [(0, "0"), (7, "7"), (200, "200"), (-12, "-12"), (1_234_567_890, "1234567890")])
    func writesDecimals(_ value: Int, _ text: String) {
        var buffer: [UInt8] = []
        ResponseSerializer.appendDecimal(value, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == text)
    }

    @Test func formatsIMFFixdate() {
        #expect(HTTPDate.format(epochSeconds: 784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
