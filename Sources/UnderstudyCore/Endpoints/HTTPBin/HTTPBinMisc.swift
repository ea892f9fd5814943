import Foundation
import UnderstudyHTTP

/// Small facts: `/uuid`, `/hostname` (this machine's name: which replica answered),
/// `/env` (`HTTPBIN_ENV_*` variables) and `/version`.
enum HTTPBinMisc {
    /// A random version 4 UUID, lowercase.
    static func uuid(_ exchange: Exchange) {
        exchange.answerJSON([.init("uuid", .string(UUID().uuidString.lowercased()))])
    }

    static func hostname(_ exchange: Exchange, _ hostname: String) {
        exchange.answerJSON([.init("hostname", .string(hostname))])
    }

    /// `{"env": {…}}`, or `{"env": null}` when no `HTTPBIN_ENV_` variable is set (Go's nil map).
    static func env(_ exchange: Exchange) {
        let variables = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("HTTPBIN_ENV_") }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { JSONValue.Member($0.key, .string($0.value)) }
        exchange.answerJSON([.init("env", variables.isEmpty ? .null : .object(variables))])
    }

    static func version(_ exchange: Exchange) {
        exchange.answerJSON([.init("service", .string("understudy"))])
    }
}
