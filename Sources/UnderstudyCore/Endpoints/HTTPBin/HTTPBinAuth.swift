import Foundation
import UnderstudyHTTP

/// `/basic-auth/{user}/{password}`, `/hidden-basic-auth/{user}/{password}` (404 instead of a
/// challenge) and `/bearer`.
enum HTTPBinAuth {
    /// The auth shape: `authenticated`, `user`, `authorized` (a legacy duplicate).
    static func authBody(_ ok: Bool, user: String) -> JSONValue {
        .object([.init("authenticated", .bool(ok)), .init("user", .string(user)), .init("authorized", .bool(ok))])
    }

    /// `Authorization: Basic base64(user:password)`, split at the first `:`; nil if malformed.
    static func basicCredentials(_ request: HTTPRequest) -> (user: String, password: String)? {
        guard let header = request.headers["Authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Data(base64Encoded: String(parts[1])),
              let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    static func basic(_ exchange: Exchange, _ user: String, _ password: String, hidden: Bool) {
        let given = basicCredentials(exchange.request)
        if let given, given.user == user, given.password == password {
            return exchange.answerJSON(authBody(true, user: user))
        }
        if hidden { return exchange.answerError(404) }
        exchange.answerJSON(authBody(false, user: given?.user ?? ""), status: 401,
                            headers: ["WWW-Authenticate": "Basic realm=\"Fake Realm\""])
    }

    /// `Authorization: Bearer <token>` (exactly two fields) → `{"authenticated": true, "token": …}`.
    static func bearer(_ exchange: Exchange) {
        let fields = (exchange.request.headers["Authorization"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 2, fields[0] == "Bearer" else {
            return exchange.answerError(401, headers: ["WWW-Authenticate": "Bearer"])
        }
        exchange.answerJSON([.init("authenticated", .bool(true)), .init("token", .string(String(fields[1])))])
    }
}
