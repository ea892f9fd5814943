import UnderstudyHTTP

/// The seeded generator behind `/bytes?seed`, `/stream-bytes?seed` and `/unstable?seed`:
/// SplitMix64, so a seed gives the same output on every run and machine. go-httpbin uses Go's
/// `math/rand` (a lagged Fibonacci source with a 607-word seeded table); we do not port it, so
/// a given seed yields different bytes from go-httpbin's (deterministic, but not identical).
struct HTTPBinRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: Int) { state = UInt64(bitPattern: Int64(seed)) }

    /// Seeded from `?seed=` (Go `ParseInt`; error `invalid seed: …`), else from the system generator.
    init(query: Substring) throws(HTTPBinBadParameter) {
        let pairs = URLEncodingPairs(query)
        if let text = pairs["seed"], !text.isEmpty {
            do { self.init(seed: try GoParse.parseInt(Substring(text))) } catch { throw error.prefixed("invalid seed") }
        } else {
            var system = SystemRandomNumberGenerator()
            self.init(seed: Int(truncatingIfNeeded: system.next()))
        }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A float in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// A query string's first value per key (Go's `url.Values.Get`).
struct URLEncodingPairs {
    let pairs: [(name: String, value: String)]

    init(_ query: Substring) { pairs = URLEncoding.formPairs(query) }

    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }
}
