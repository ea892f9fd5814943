import Foundation
import Testing
import UnderstudyHTTP

/// Replays the fuzzer's seed corpus (and any crash inputs added to it) on every `swift test`.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static var inputs: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()) ?? []
    }

    @Test func corpusIsPresent() {
        #expect(Self.inputs.count >= 5)
    }

    @Test(arguments: inputs)
    func splitFeedsAgreeWithWholeFeed(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        #expect(RequestParser.checkSplitAgreement(bytes) == nil)
        for step in 1...8 {
            #expect(RequestParser.checkSplitAgreement([UInt8(step - 1)] + bytes.dropFirst()) == nil)
        }
    }

    @Test func randomInputsAgree() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["GET / HTTP/1.1\r\n", "Host: a\r\n", "\r\n", "Content-Length: 3\r\n", "abc", "Transfer-Encoding: chunked\r\n",
                      "3\r\nxyz\r\n", "0\r\n\r\n", "\n", "\r", " ", ":", "POST /p HTTP/1.0\r\n", "X: y\r\n"]
        for _ in 0..<500 {
            var input: [UInt8] = [UInt8.random(in: 0...255, using: &generator)]
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                input += Array(pieces.randomElement(using: &generator)!.utf8)
            }
            let disagreement = RequestParser.checkSplitAgreement(input)
            #expect(disagreement == nil, "\(String(decoding: input.dropFirst(), as: UTF8.self).debugDescription)")
        }
    }
}
