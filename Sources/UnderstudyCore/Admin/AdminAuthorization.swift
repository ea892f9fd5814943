import Foundation
import UnderstudyHTTP

/// The admin planes' guard (`serve`'s and the gateway's): the bearer token when one is set.
struct AdminAuthorization {
    let token: String?

    /// `Authorization: Bearer <admin.token>`; `?access_token=` is accepted too (for EventSource).
    func allows(_ request: HTTPRequest) -> Bool {
        guard let token else { return true }
        if let header = request.headers["Authorization"], header.hasPrefix("Bearer "),
           constantTimeEquals(String(header.dropFirst(7)), token) {
            return true
        }
        for pair in request.head.query.split(separator: "&") where pair.hasPrefix("access_token=") {
            if constantTimeEquals(String(pair.dropFirst(13)).removingPercentEncoding ?? "", token) { return true }
        }
        return false
    }

    private func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
