import Testing

extension TestServer {
    /// Clients that each got one `/health` answer and now sit idle on their keep-alive
    /// connection (holding a prefork worker each).
    public func idleKeepAliveClients(count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> [RawClient] {
        try (0..<count).map { _ in
            let client = try client()
            try client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200, sourceLocation: sourceLocation)
            return client
        }
    }
}
