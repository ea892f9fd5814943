/// A glob over bytes. In path globs `*` stays inside one segment and `**` crosses segments
/// (PRODUCT.md, "Fault rules"); in value globs (headers, query, SQS names) `*` matches
/// anything. No other character is special. Matching is a set-of-positions walk, linear in
/// pattern × text, so no pattern can make it backtrack exponentially.
public struct Glob: Equatable, Sendable, CustomStringConvertible {
    enum Token: Equatable {
        case literal([UInt8])
        case star          // any run of bytes, '/' excluded in path globs
        case doubleStar    // any run of bytes
    }

    public let description: String
    let tokens: [Token]
    /// Bytes every match starts with (the leading literal): a cheap first test.
    let prefix: [UInt8]
    /// Bytes every match ends with (the trailing literal, when the pattern has a wildcard).
    let suffix: [UInt8]
    let isPath: Bool

    public init(_ pattern: String, isPath: Bool) {
        description = pattern
        self.isPath = isPath
        var tokens: [Token] = []
        var literal: [UInt8] = []
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "*") {
                if !literal.isEmpty { tokens.append(.literal(literal)); literal = [] }
                let isDouble = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*")
                let token: Token = isDouble || !isPath ? .doubleStar : .star
                if tokens.last != token { tokens.append(token) }
                index += isDouble ? 2 : 1
            } else {
                literal.append(bytes[index])
                index += 1
            }
        }
        if !literal.isEmpty { tokens.append(.literal(literal)) }
        self.tokens = tokens
        if case .literal(let first)? = tokens.first { prefix = first } else { prefix = [] }
        if tokens.count > 1, case .literal(let last)? = tokens.last { suffix = last } else { suffix = [] }
    }

    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    public func matches(_ text: UnsafeRawBufferPointer) -> Bool {
        // Cheap rejections first: most patterns start or end with text (`/api/*`, `**.php`).
        guard text.count >= prefix.count + suffix.count,
              prefix.withUnsafeBytes({ $0.elementsEqual(text.prefix(prefix.count)) }),
              suffix.withUnsafeBytes({ $0.elementsEqual(text.suffix(suffix.count)) })
        else { return false }
        if tokens.count == 1, prefix.count > 0 { return text.count == prefix.count }
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * (text.count + 1)) { scratch in
            walk(text, UnsafeMutableBufferPointer(rebasing: scratch[..<(text.count + 1)]),
                 UnsafeMutableBufferPointer(rebasing: scratch[(text.count + 1)...]))
        }
    }

    /// Positions in `text` reachable after each token, one flag per position, in two rows.
    private func walk(_ text: UnsafeRawBufferPointer, _ first: UnsafeMutableBufferPointer<Bool>,
                      _ second: UnsafeMutableBufferPointer<Bool>) -> Bool {
        var reachable = first, next = second
        reachable.update(repeating: false)
        reachable[0] = true
        for token in tokens {
            next.update(repeating: false)
            var any = false
            switch token {
            case .literal(let bytes):
                for start in 0...text.count where reachable[start] && start + bytes.count <= text.count {
                    var equal = true
                    for offset in 0..<bytes.count where text[start + offset] != bytes[offset] { equal = false; break }
                    if equal { next[start + bytes.count] = true; any = true }
                }
            case .star, .doubleStar:
                let crossesSlash = token == .doubleStar
                var open = false
                for position in 0...text.count {
                    if reachable[position] { open = true }
                    if open { next[position] = true; any = true }
                    if position < text.count && !crossesSlash && text[position] == UInt8(ascii: "/") { open = false }
                }
            }
            guard any else { return false }
            swap(&reachable, &next)
        }
        return reachable[text.count]
    }
}
