/// Replays a byte stream through a parser in pieces, the way a connection feeds it
/// (unconsumed bytes kept and resent with the next read). The fuzzer and the corpus tests
/// compare a whole feed with a split one: both must report the same events.
extension RequestParser {
    /// Events as short strings (`head GET /`, `complete POST /p 5`, `rejected 400`), up to
    /// and including the first rejection.
    public static func replay(_ bytes: [UInt8], step: Int, limits: ParserLimits) -> [String] {
        var parser = RequestParser(limits: limits)
        var pending: [UInt8] = []
        var events: [String] = []
        var position = 0
        while position < bytes.count {
            let end = min(bytes.count, position + max(step, 1))
            pending.append(contentsOf: bytes[position..<end])
            position = end
            var offset = 0
            var rejected = false
            pending.withUnsafeBytes { raw in
                while true {
                    let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                    precondition(consumed >= 0 && offset + consumed <= raw.count, "consumed past the buffer")
                    offset += consumed
                    switch event {
                    case .needMore:
                        if consumed == 0 || offset == raw.count { return }
                    case .head(let head):
                        events.append("head \(head.method) \(head.target)")
                    case .body:
                        break   // not streaming here: bodies come whole with .complete
                    case .complete(let request):
                        events.append("complete \(request.method) \(request.target) \(request.body.count)")
                    case .rejected(let rejection):
                        precondition(rejection.status >= 400 && !rejection.reason.isEmpty)
                        events.append("rejected \(rejection.status)")
                        rejected = true
                        return
                    }
                }
            }
            if rejected { return events }
            pending.removeFirst(offset)
        }
        return events
    }

    /// The fuzzer's oracle: the input's first byte picks a split step; whole and split
    /// feeds of the rest must agree. Returns the disagreement, if any.
    public static func checkSplitAgreement(_ input: [UInt8]) -> String? {
        guard input.count > 1 else { return nil }
        let step = Int(input[0]) % 64 + 1
        let bytes = Array(input.dropFirst())
        let limits = ParserLimits(requestLine: 512, headerBytes: 1024, headerFields: 20, bodyBytes: 4096)
        let whole = replay(bytes, step: bytes.count, limits: limits)
        let pieces = replay(bytes, step: step, limits: limits)
        return whole == pieces ? nil : "whole \(whole) vs split by \(step) \(pieces)"
    }
}
