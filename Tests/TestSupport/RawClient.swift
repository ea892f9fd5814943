import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking loopback TCP client that sends exact bytes and tells a clean close (EOF)
/// from a reset; every read is bounded by a receive timeout.
public final class RawClient {
    public let fd: Int32
    private var buffered: [UInt8] = []

    /// How a read ended when no bytes came.
    public enum Ending: Equatable { case eof, reset, timeout }

    /// A parsed response.
    public struct Response {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// Trailer fields after a chunked body.
        public var trailers: [(String, String)] = []
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public struct ClientError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Connects; `receiveBuffer` (bytes) shrinks the socket's receive buffer first, for a slow reader.
    public init(port: UInt16, host: String = "127.0.0.1", timeout: Duration = .seconds(5), receiveBuffer: Int32? = nil) throws {
        let isV6 = host.contains(":")
        fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError(description: "socket failed") }
        setTimeout(timeout)
        if var size = receiveBuffer {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var result: Int32
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw ClientError(description: "connect to \(host):\(port) failed: errno \(errno)")
        }
    }

    private var isClosed = false

    deinit { if !isClosed { Glibc.close(fd) } }

    /// Closes normally (FIN), as a client done with the connection.
    public func close() {
        guard !isClosed else { return }
        Glibc.close(fd)
        isClosed = true
    }

    /// Closes with a reset (`SO_LINGER` 0), as a client that gives up abruptly.
    public func reset() {
        guard !isClosed else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        Glibc.close(fd)
        isClosed = true
    }

    public func setTimeout(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            offset += n
        }
    }

    /// Bytes the kernel holds for this socket right now, without waiting (`FIONREAD`).
    public var pendingByteCount: Int {
        var count: Int32 = 0
        _ = ioctl(fd, UInt(FIONREAD), &count)
        return Int(count) + buffered.count
    }

    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads more bytes into the buffer; returns how the read ended if none came.
    @discardableResult
    public func fill() -> Ending? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { buffered.append(contentsOf: chunk[0..<n]); return nil }
        if n == 0 { return .eof }
        return errno == ECONNRESET ? .reset : .timeout
    }

    /// Waits for the server to end the connection; reports how (bytes received before are kept).
    public func waitForEnd() -> Ending {
        while true {
            if let ending = fill() { return ending }
        }
    }

    /// Every byte received until the connection ends.
    public func readAll() -> (bytes: [UInt8], ending: Ending) {
        let ending = waitForEnd()
        defer { buffered = [] }
        return (buffered, ending)
    }

    /// Reads one response (Content-Length, chunked or close-delimited body).
    public func readResponse(forHead: Bool = false) throws -> Response {
        let headEnd = try waitFor { self.indexOf([13, 10, 13, 10]) }
        let headText = String(decoding: buffered[..<headEnd], as: UTF8.self)
        buffered.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw ClientError(description: "bad status line in \(headText)")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = Response(status: status, headers: headers, body: [], trailers: [])
        if forHead || status == 204 || status == 304 || (100..<200).contains(status) { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            _ = try waitFor { self.buffered.count >= length ? length : nil }
            response.body = Array(buffered[..<length])
            buffered.removeFirst(length)
        } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                let lineEnd = try waitFor { self.indexOf([13, 10]) }
                let size = Int(String(decoding: buffered[..<lineEnd], as: UTF8.self), radix: 16) ?? 0
                _ = try waitFor { self.buffered.count >= lineEnd + 2 + size + 2 ? 0 : nil }
                response.body.append(contentsOf: buffered[(lineEnd + 2)..<(lineEnd + 2 + size)])
                if size == 0 {
                    // The last chunk: trailer fields, if any, until the blank line (RFC 9112 §7.1.2).
                    buffered.removeFirst(lineEnd + 2)
                    while true {
                        let fieldEnd = try waitFor { self.indexOf([13, 10]) }
                        let field = String(decoding: buffered[..<fieldEnd], as: UTF8.self)
                        buffered.removeFirst(fieldEnd + 2)
                        if field.isEmpty { break }
                        if let colon = field.firstIndex(of: ":") {
                            response.trailers.append((String(field[..<colon]),
                                                      field[field.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
                        }
                    }
                    break
                }
                buffered.removeFirst(lineEnd + 2 + size + 2)
            }
        } else {
            response.body = readAll().bytes
        }
        return response
    }

    /// One chunk of a chunked body whose head `readResponse(forHead: true)` read; empty for
    /// the last chunk. Throws when the connection ends or the read times out first.
    public func readChunk() throws -> [UInt8] {
        let lineEnd = try waitFor { self.indexOf([13, 10]) }
        let size = Int(String(decoding: buffered[..<lineEnd], as: UTF8.self), radix: 16) ?? 0
        _ = try waitFor { self.buffered.count >= lineEnd + 2 + size + 2 ? 0 : nil }
        let chunk = Array(buffered[(lineEnd + 2)..<(lineEnd + 2 + size)])
        buffered.removeFirst(lineEnd + 2 + size + 2)
        return chunk
    }

    private func indexOf(_ pattern: [UInt8]) -> Int? {
        guard buffered.count >= pattern.count else { return nil }
        for index in 0...(buffered.count - pattern.count) where Array(buffered[index..<(index + pattern.count)]) == pattern {
            return index
        }
        return nil
    }

    private func waitFor<T>(_ found: () -> T?) throws -> T {
        while true {
            if let value = found() { return value }
            if let ending = fill() { throw ClientError(description: "connection ended (\(ending)) before a full response") }
        }
    }

    /// One request on a fresh connection.
    public static func get(_ path: String, port: UInt16, headers: String = "") throws -> Response {
        let client = try RawClient(port: port)
        try client.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Connection: close\r\n\r\n")
        return try client.readResponse()
    }
}
