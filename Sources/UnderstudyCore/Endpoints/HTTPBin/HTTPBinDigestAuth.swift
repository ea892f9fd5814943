import CSSL
import UnderstudyHTTP

/// `/digest-auth/{qop}/{user}/{password}[/{algorithm}]` (RFC 7616) as go-httpbin checks it:
/// the client's `algorithm` picks MD5 or SHA-256, the hashed URI is the request target as
/// sent, nonce and opaque are not tracked (no staleness).
enum HTTPBinDigestAuth {
    static func answer(_ exchange: Exchange, _ qopValue: String, _ user: String, _ password: String, _ algorithmValue: String?) {
        let qop = qopValue.lowercased()
        guard qop == "auth" else { return exchange.answerError(400, "invalid QOP directive: \(GoParse.quote(qop)) != \"auth\"") }
        let algorithm = (algorithmValue ?? "MD5").uppercased()
        guard algorithm == "MD5" || algorithm == "SHA-256" else {
            return exchange.answerError(400, "invalid algorithm: \(algorithm) must be one of MD5 or SHA-256")
        }
        if check(exchange.request, user: user, password: password) {
            return exchange.answerJSON(HTTPBinAuth.authBody(true, user: user))
        }
        let challenge = "Digest qop=auth, realm=\"go-httpbin\", algorithm=\(algorithm), nonce=\(randomHex()), opaque=\(randomHex())"
        exchange.answerError(401, headers: ["WWW-Authenticate": challenge])
    }

    /// The `Digest k=v, …` parameters (naive split on `,`; surrounding quotes removed).
    static func parameters(_ header: String) -> [String: String]? {
        guard let space = header.firstIndex(of: " "), header[..<space] == "Digest" else { return nil }
        var result: [String: String] = [:]
        for item in header[header.index(after: space)...].split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var value = pair[1].trimmedOWS
            if value.hasPrefix("\"") { value = value.dropFirst() }
            if value.hasSuffix("\"") { value = value.dropLast() }
            result[String(pair[0].trimmedOWS)] = String(value)
        }
        return result
    }

    static func check(_ request: HTTPRequest, user: String, password: String) -> Bool {
        guard let header = request.headers["Authorization"], let params = parameters(header),
              params["username"] == user, let given = params["response"] else { return false }
        let sha256 = params["algorithm"]?.lowercased() == "sha-256"
        let hash = { (text: String) in hexDigest(text, sha256: sha256) }
        let ha1 = hash("\(user):\(params["realm"] ?? ""):\(password)")
        let ha2 = hash("\(request.method):\(request.target)")
        let qop = params["qop"] ?? ""
        let expected = qop == "auth" || qop == "auth-int"
            ? hash("\(ha1):\(params["nonce"] ?? ""):\(params["nc"] ?? ""):\(params["cnonce"] ?? ""):\(qop):\(ha2)")
            : hash("\(ha1):\(params["nonce"] ?? ""):\(ha2)")
        return constantTimeEqual(Array(expected.utf8), Array(given.utf8))
    }

    /// Lowercase hex MD5 or SHA-256 of `text` (OpenSSL's EVP interface).
    static func hexDigest(_ text: String, sha256: Bool) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, sha256 ? EVP_sha256() : EVP_md5(), nil)
        }
        return digest.prefix(Int(length)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// 32 hex digits (go-httpbin: the MD5 of random data).
    private static func randomHex() -> String {
        var random = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
