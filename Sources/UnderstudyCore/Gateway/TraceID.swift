import UnderstudyHTTP

/// Makes `X-Amzn-Trace-Id` values as ALB does (Request tracing for your Application Load
/// Balancer): `Root=1-{8 hex digits of epoch seconds}-{24 hex digits}`; a client's header
/// with a `Root` keeps it and gets a `Self` field in front. One generator per loop; its
/// 96 random bits come from SplitMix64 seeded once from the system (a `getrandom` call per
/// request showed in the gateway's profile; trace ids need to be unique, not secret).
struct TraceIDGenerator {
    private var state = UInt64.random(in: 0...UInt64.max)

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A fresh `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy` for `epochSeconds`, after `prefix`
    /// (`Root=`, `Self=`), made in one allocation.
    mutating func makeID(epochSeconds: Int, prefix: StaticString = "") -> String {
        let time = UInt64(UInt32(truncatingIfNeeded: epochSeconds))
        let high = UInt64(UInt32(truncatingIfNeeded: next()))
        let low = next()
        let count = prefix.utf8CodeUnitCount + 35
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            prefix.withUTF8Buffer { for byte in $0 { buffer[index] = byte; index += 1 } }
            func put(_ value: UInt64, digits: Int) {
                for shift in stride(from: 4 * (digits - 1), through: 0, by: -4) {
                    let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
                    buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
                    index += 1
                }
            }
            buffer[index] = UInt8(ascii: "1"); buffer[index + 1] = UInt8(ascii: "-"); index += 2
            put(time, digits: 8)
            buffer[index] = UInt8(ascii: "-"); index += 1
            put(high, digits: 8)
            put(low, digits: 16)
            return count
        }
    }

    /// The header value to send for a client's value (or none): "When the load balancer
    /// receives a request from a client, it adds or updates the X-Amzn-Trace-Id header";
    /// with a Root present "the load balancer inserts a Self field" (or updates one).
    mutating func header(forClientValue clientValue: String?, epochSeconds: Int) -> String {
        guard let clientValue, !clientValue.isEmpty, clientValue.utf8.count <= 7 * 1024 else {
            return makeID(epochSeconds: epochSeconds, prefix: "Root=")
        }
        let fields = clientValue.split(separator: ";").map { String($0.trimmingOWS()) }
        guard fields.contains(where: { $0.hasPrefix("Root=") }) else { return makeID(epochSeconds: epochSeconds, prefix: "Root=") }
        let own = makeID(epochSeconds: epochSeconds, prefix: "Self=")
        return ([own] + fields.filter { !$0.hasPrefix("Self=") && !$0.isEmpty }).joined(separator: ";")
    }
}
