import Foundation
import UnderstudyHTTP

/// Fixed documents in several formats (`/`, `/html`, `/xml`, `/json`, `/robots.txt`, `/deny`,
/// `/encoding/utf8`, `/forms/post`) and `/base64/{value}`.
enum HTTPBinFormats {
    private static let html = "text/html; charset=utf-8"

    /// `GET /`: go-httpbin's endpoint index. Load-balancer checks that default to `/` pass.
    static func index(_ exchange: Exchange) {
        let csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' camo.githubusercontent.com"
        exchange.answer(HTTPResponse(status: 200, headers: ["Content-Type": html, "Content-Security-Policy": csp],
                                     body: HTTPBinFixtures.index))
    }

    static func html(_ exchange: Exchange) { file(exchange, HTTPBinFixtures.moby, html) }
    static func xml(_ exchange: Exchange) { file(exchange, HTTPBinFixtures.sampleXML, "application/xml") }
    static func json(_ exchange: Exchange) { file(exchange, HTTPBinFixtures.sampleJSON, "application/json; charset=utf-8") }
    static func utf8(_ exchange: Exchange) { file(exchange, HTTPBinFixtures.utf8, html) }
    static func formsPost(_ exchange: Exchange) { file(exchange, HTTPBinFixtures.formsPost, html) }
    static func robots(_ exchange: Exchange) { exchange.answerText("User-agent: *\nDisallow: /deny\n") }
    static func deny(_ exchange: Exchange) { exchange.answerText("YOU SHOULDN'T BE HERE") }

    private static func file(_ exchange: Exchange, _ body: [UInt8], _ contentType: String) {
        exchange.answer(HTTPResponse(status: 200, headers: ["Content-Type": contentType], body: body))
    }

    /// `/base64/{data}` decodes, `/base64/encode/{data}` encodes (URL-safe alphabet, padded);
    /// `?content-type=` sets the answer's type (the body is HTML-escaped unless it is a safe one).
    static func base64(_ exchange: Exchange, operation: String, _ data: String) {
        guard data.utf8.count <= HTTPBinLimits.maxBodySize else {
            return exchange.answerError(400, "input data exceeds max length of \(HTTPBinLimits.maxBodySize)")
        }
        var output: [UInt8]
        switch operation {
        case "encode":
            output = Array(HTTPBinBody.base64URL(Array(data.utf8)).utf8)
        case "decode":
            let standard = data.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            guard let decoded = Data(base64Encoded: standard) ?? Data(base64Encoded: data) else {
                return exchange.answerError(400, "base64 decode failed: illegal base64 data at input byte \(firstBadByte(data))")
            }
            output = Array(decoded)
        default:
            return exchange.answerError(400, "invalid operation: \(operation)")
        }
        let contentType = URLEncodingPairs(exchange.request.head.query)["content-type"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "text/plain; charset=utf-8"
        if HTTPBinCaching.isDangerous(contentType) {
            output = Array(HTTPBinCaching.htmlEscape(String(decoding: output, as: UTF8.self)).utf8)
        }
        exchange.answer(HTTPResponse(status: 200, headers: ["Content-Type": contentType], body: output))
    }

    /// Where Go's decoder would stop: the first byte outside the alphabet, else the end
    /// (the input's length is then not a multiple of 4).
    private static func firstBadByte(_ text: String) -> Int {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)
        let index = text.utf8.firstIndex { !alphabet.contains($0) && $0 != UInt8(ascii: "=") }
        return index.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) } ?? text.utf8.count / 4 * 4
    }
}
