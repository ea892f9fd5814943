import UnderstudyHTTP

/// Makes `X-Amzn-Trace-Id` values as ALB does (Request tracing for your Application Load
/// Balancer): `Root=1-{8 hex digits of epoch seconds}-{24 hex digits}`; a client's header
/// with a `Root` keeps it and gets a `Self` field in front. One generator per loop.
struct TraceIDGenerator {
    private var random = SystemRandomNumberGenerator()

    /// A fresh `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy` for `epochSeconds`.
    mutating func makeID(epochSeconds: Int) -> String {
        let high = UInt32.random(in: 0...UInt32.max, using: &random)
        let low = UInt64.random(in: 0...UInt64.max, using: &random)
        return "1-" + Self.hex(UInt64(UInt32(truncatingIfNeeded: epochSeconds)), digits: 8)
            + "-" + Self.hex(UInt64(high), digits: 8) + Self.hex(low, digits: 16)
    }

    /// The header value to send for a client's value (or none): "When the load balancer
    /// receives a request from a client, it adds or updates the X-Amzn-Trace-Id header";
    /// with a Root present "the load balancer inserts a Self field" (or updates one).
    mutating func header(forClientValue clientValue: String?, epochSeconds: Int) -> String {
        let id = makeID(epochSeconds: epochSeconds)
        guard let clientValue, !clientValue.isEmpty, clientValue.utf8.count <= 7 * 1024 else { return "Root=" + id }
        let fields = clientValue.split(separator: ";").map { String($0.trimmingOWS()) }
        guard fields.contains(where: { $0.hasPrefix("Root=") }) else { return "Root=" + id }
        return (["Self=" + id] + fields.filter { !$0.hasPrefix("Self=") && !$0.isEmpty }).joined(separator: ";")
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ value: UInt64, digits count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count {
                buffer[index] = digits[Int((value >> UInt64(4 * (count - 1 - index))) & 0xF)]
            }
            return count
        }
    }
}
