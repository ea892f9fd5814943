import Foundation

/// Reading the admin plane from tests: one request per connection, JSON decoded.
extension TestServer {
    /// `GET path` on the admin plane.
    public func adminGet(_ path: String) throws -> RawClient.Response {
        let client = try adminClient()
        try client.send("GET \(path) HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n")
        return try client.readResponse()
    }

    /// `GET /api/state` as a JSON object.
    public func state() throws -> [String: Any] {
        let body = try adminGet("/api/state").body
        return (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }

    /// The worker scoreboard of `/api/state`.
    public func workers() throws -> [String: Any] {
        try state()["workers"] as? [String: Any] ?? [:]
    }

    /// Polls `/api/state` (bounded) until `condition` holds on it; returns whether it did.
    public func waitForState(timeout: Duration = .seconds(5), _ condition: ([String: Any]) -> Bool) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(try state()) { return true }
            usleep(5_000)
        }
        return false
    }
}
