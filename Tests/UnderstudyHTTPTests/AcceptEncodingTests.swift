import Testing
@testable import UnderstudyHTTP

/// `Accept-Encoding` negotiation (RFC 9110 §12.5.3): weights, `*`, `identity;q=0`, malformed
/// members, and the tie order gzip, deflate, identity.
@Suite struct AcceptEncodingTests {
    @Test(arguments: [
        (nil, ContentCoding.identity),                       // no field: do not compress
        ("", .identity),                                     // empty: identity only
        ("gzip", .gzip),
        ("deflate", .deflate),
        ("gzip, deflate", .gzip),                            // tie: gzip
        ("deflate, gzip", .gzip),
        ("gzip;q=0.5, deflate", .deflate),
        ("gzip;q=0.8, deflate;q=0.9, identity;q=1", .identity),
        ("GZIP;Q=1", .gzip),                                 // case-insensitive
        ("x-gzip", .gzip),                                   // RFC 9110 §8.4.1.3
        ("*", .gzip),
        ("*;q=0.5, gzip;q=0", .deflate),
        ("gzip;q=0, deflate;q=0", .identity),
        ("br, zstd", .identity),                             // unknown codings only
        ("br;q=1, gzip;q=0.001, identity;q=0", .gzip),
        ("br;q=1, gzip;q=0.001", .gzip),                     // unnamed identity is only the fallback
        ("gzip;q=0.5", .gzip),
        ("gzip;q=0.5, identity;q=0.6", .identity),           // named, it competes
        ("gzip;q=0.5, *;q=0.7", .deflate),                   // * weighs deflate and identity alike: deflate first
        ("gzip;q=1.5, deflate", .deflate),                   // q over 1: member ignored
        ("gzip;q=0.1234, deflate;q=0.1, identity;q=0", .deflate),   // four decimals: ignored
        ("gzip ; q=0.7 , identity;q=0.6", .gzip),            // whitespace around ; and ,
        ("identity;q=0, *;q=0", .identity),                  // nothing acceptable: identity anyway
    ] as [(String?, ContentCoding)])
    func preferredCoding(_ header: String?, _ expected: ContentCoding) {
        #expect(AcceptEncoding(header).preferred == expected, "Accept-Encoding: \(header ?? "(absent)")")
    }

    @Test func identityIsAcceptableUnlessExcluded() {
        #expect(AcceptEncoding("gzip").weight(of: .identity) == 1)
        #expect(AcceptEncoding("gzip, identity;q=0").weight(of: .identity) == 0)
        #expect(AcceptEncoding("*;q=0").weight(of: .identity) == 0)
        #expect(AcceptEncoding("*;q=0, identity").weight(of: .identity) == 1)
        #expect(AcceptEncoding("gzip").weight(of: .deflate) == 0)
    }

    @Test(arguments: [("gzip", ContentCoding.gzip), ("X-GZIP", .gzip), (" deflate ", .deflate), ("identity", .identity)])
    func contentCodingTokens(_ token: String, _ coding: ContentCoding) {
        #expect(ContentCoding(token: token) == coding)
    }

    @Test func unknownContentCodingIsNil() {
        #expect(ContentCoding(token: "br") == nil)
        #expect(ContentCoding(token: "compress") == nil)
    }
}
