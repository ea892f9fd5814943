#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims

/// A resolved IPv4 or IPv6 socket address, convertible to and from `sockaddr_storage`.
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage: sockaddr_storage
    var length: socklen_t

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// Resolves a listen address; numeric hosts need no lookup, names use getaddrinfo
    /// (called at start-up only, never on a loop).
    public init(resolving address: ListenAddress) throws(SocketError) {
        let host = address.host == "localhost" ? "127.0.0.1" : address.host
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = address.port.bigEndian
            self.init(copying: v4)
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = address.port.bigEndian
            self.init(copying: v6)
            return
        }
        var hints = addrinfo()
        hints.ai_socktype = US_SOCK_STREAM
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(address.port), &hints, &result) == 0,
              let first = result, let found = first.pointee.ai_addr else {
            throw SocketError("resolve", address.description, code: EADDRNOTAVAIL)
        }
        defer { freeaddrinfo(result) }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: found, count: Int(first.pointee.ai_addrlen)))
        }
        self.init(storage: storage, length: first.pointee.ai_addrlen)
    }

    init<T>(copying address: T) {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            withUnsafeBytes(of: address) { raw.copyMemory(from: $0) }
        }
        self.init(storage: storage, length: socklen_t(MemoryLayout<T>.size))
    }

    /// The local address a socket is bound to (`getsockname`).
    public init(localOf fileDescriptor: Int32) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fileDescriptor, $0, &length) }
        }
        self.init(storage: storage, length: length)
    }

    public var family: Int32 { Int32(storage.ss_family) }

    private func view<T, R>(as type: T.Type, _ body: (T) -> R) -> R {
        withUnsafeBytes(of: storage) { body($0.loadUnaligned(as: T.self)) }
    }

    public var port: UInt16 {
        family == AF_INET6 ? view(as: sockaddr_in6.self) { UInt16(bigEndian: $0.sin6_port) }
                           : view(as: sockaddr_in.self) { UInt16(bigEndian: $0.sin_port) }
    }

    /// Numeric host, without brackets.
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if family == AF_INET6 {
            var address = view(as: sockaddr_in6.self) { $0.sin6_addr }
            inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
        } else {
            var address = view(as: sockaddr_in.self) { $0.sin_addr }
            inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `host:port`, IPv6 in brackets. IPv4 is formatted by hand: every accepted connection
    /// names its peer, so this runs once per connection.
    public var description: String {
        guard family == AF_INET else { return "[\(host)]:\(port)" }
        let (address, port) = view(as: sockaddr_in.self) { (UInt32(bigEndian: $0.sin_addr.s_addr), UInt16(bigEndian: $0.sin_port)) }
        return String(unsafeUninitializedCapacity: 21) { buffer in
            var index = 0
            func append(_ value: Int) {
                if value >= 10000 { buffer[index] = UInt8(ascii: "0") + UInt8(value / 10000); index += 1 }
                if value >= 1000 { buffer[index] = UInt8(ascii: "0") + UInt8(value / 1000 % 10); index += 1 }
                if value >= 100 { buffer[index] = UInt8(ascii: "0") + UInt8(value / 100 % 10); index += 1 }
                if value >= 10 { buffer[index] = UInt8(ascii: "0") + UInt8(value / 10 % 10); index += 1 }
                buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                index += 1
            }
            for shift in [24, 16, 8, 0] {
                append(Int((address >> UInt32(shift)) & 0xFF))
                buffer[index] = shift == 0 ? UInt8(ascii: ":") : UInt8(ascii: ".")
                index += 1
            }
            append(Int(port))
            return index
        }
    }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
