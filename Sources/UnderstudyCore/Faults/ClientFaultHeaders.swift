import Foundation
import UnderstudyHTTP

/// The per-request fault headers a client may send (on unless `faults.client_headers: false`):
/// `X-Understudy-Delay: 1.5s` (or bare seconds, as `/delay/{n}`) and `X-Understudy-Status: 503`.
/// Logged and counted as the rules `X-Understudy-Delay` and `X-Understudy-Status`.
struct ClientFaultHeaders {
    static let delayName = "X-Understudy-Delay"
    static let statusName = "X-Understudy-Status"

    var delay: String?
    var status: String?

    /// Nil when the request carries neither header (one pass over the field names).
    init?(_ headers: HTTPHeaders) {
        guard headers.hasUnderstudyFields else { return nil }
        for field in headers where field.name.utf8.count >= 18 && field.name.utf8.first.map({ $0 | 0x20 }) == UInt8(ascii: "x") {
            if field.name.equalsIgnoringASCIICase(Self.delayName) { delay = field.value }
            else if field.name.equalsIgnoringASCIICase(Self.statusName) { status = field.value }
        }
        if delay == nil && status == nil { return nil }
    }

    /// `1.5s`, `250ms`, or a bare number of seconds (`1.5`): what `/delay/{n}` reads; never negative.
    static func parseDelay(_ text: String) -> Duration? {
        guard let delay = try? GoParse.duration(Substring(text.trimmingCharacters(in: .whitespaces))), delay >= .zero
        else { return nil }
        return delay
    }

    /// What `/status/{code}` would answer.
    static func statusResponse(_ status: Int) -> HTTPResponse {
        HTTPBinStatus.statusResponse(status)
    }
}
