/// A request a probe or load run sends: method, target and Host, serialised once.
struct ClientRequest {
    let method: String
    let bytes: [UInt8]

    /// `GET /health HTTP/1.1` with Host, User-Agent and `Accept: */*`, as an ALB health
    /// check sends it (no `Connection: close`: the checker closes the connection itself).
    init(method: String = "GET", url: ClientURL, userAgent: String) {
        self.method = method
        bytes = Array("\(method) \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\nUser-Agent: \(userAgent)\r\nAccept: */*\r\n\r\n".utf8)
    }
}
