import UnderstudyHTTP

/// What go-httpbin echoes about a request (`args`, `headers`, `origin`, `url`), read from an
/// exchange on demand; go-httpbin's `getClientIP`, `getURL` and header canonicalisation.
struct HTTPBinRequestFacts {
    let exchange: Exchange
    var request: HTTPRequest { exchange.request }

    /// Query values by key, keys sorted, values as arrays (`{}` when empty).
    var args: JSONValue { .stringLists(Self.grouped(URLEncoding.formPairs(request.head.query))) }

    /// Header values by Go-canonical name (`x-foo` → `X-Foo`), sorted; `Host` always present.
    var headers: JSONValue {
        var pairs = request.headers.map { (name: Self.canonicalKey($0.name), value: $0.value) }
        if request.headers["Host"] == nil { pairs.append(("Host", "")) }
        return .stringLists(Self.grouped(pairs))
    }

    /// The client address: the first proxy header set, else the peer IP without its port.
    var origin: String {
        for name in ["Fly-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "True-Client-IP"] {
            if let value = request.headers[name], !value.isEmpty { return value }
        }
        if let forwarded = request.headers["X-Forwarded-For"], !forwarded.isEmpty {
            return String(forwarded.split(separator: ",", omittingEmptySubsequences: false)[0].trimmedOWS)
        }
        return Self.peerIP(exchange.remoteAddress)
    }

    /// `http` or `https` as the client sees it (X-Forwarded-Proto and friends first).
    var scheme: String {
        if let proto = request.headers["X-Forwarded-Proto"], !proto.isEmpty { return proto }
        if let proto = request.headers["X-Forwarded-Protocol"], !proto.isEmpty { return proto }
        if request.headers["X-Forwarded-Ssl"] == "on" { return "https" }
        return exchange.scheme
    }

    /// The authority the client asked for: absolute-form target host, else `Host`.
    var host: String { request.headers["Host"] ?? "" }

    /// `scheme://host/path?query`, as go-httpbin's `getURL` builds it.
    var url: String { "\(scheme)://\(host)\(request.target)" }

    /// The `/get` shape: `args`, `headers`, `method`, `origin`, `url`.
    var noBodyMembers: [JSONValue.Member] {
        [.init("args", args), .init("headers", headers), .init("method", .string(request.method)),
         .init("origin", .string(origin)), .init("url", .string(url))]
    }

    /// `X-Foo-Bar` from `x-foo-bar`, as Go's `CanonicalMIMEHeaderKey` (names with bytes outside
    /// a token are left as they are).
    static func canonicalKey(_ name: String) -> String {
        guard name.utf8.allSatisfy(isTokenByte) else { return name }
        var upper = true
        var bytes: [UInt8] = []
        for byte in name.utf8 {
            bytes.append(upper ? (byte >= 97 && byte <= 122 ? byte - 32 : byte) : (byte >= 65 && byte <= 90 ? byte + 32 : byte))
            upper = byte == UInt8(ascii: "-")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Pairs grouped by name, first-appearance order, values in order.
    static func grouped(_ pairs: [(name: String, value: String)]) -> [(key: String, values: [String])] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for pair in pairs {
            if values[pair.name] == nil { order.append(pair.name) }
            values[pair.name, default: []].append(pair.value)
        }
        return order.map { ($0, values[$0] ?? []) }
    }

    /// `1.2.3.4` from `1.2.3.4:5678`, `::1` from `[::1]:5678`.
    static func peerIP(_ address: String) -> String {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<close])
        }
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }
}
