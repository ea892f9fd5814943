import Foundation

/// A Server-Sent Events subscriber over a raw socket (`GET` with chunked framing), for tests
/// of `/api/events`: events parsed as the HTML standard reads them (`id:`, `event:`,
/// `data:`, comments), one at a time and in order.
public final class SSEClient {
    public struct Event {
        public var id: String?
        public var type: String
        public var data: String
        /// `data` parsed as a JSON object (empty if it is not one).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:]
        }
    }

    public let client: RawClient
    public let head: RawClient.Response
    /// Comment lines seen so far (`: heartbeat` → `heartbeat`).
    public private(set) var comments: [String] = []
    /// `retry:` values seen so far.
    public private(set) var retries: [Int] = []
    private var text = ""

    /// Connects and sends `GET path`; `head` is the response head (check its status).
    public init(port: UInt16, path: String = "/api/events", headers: String = "", receiveBuffer: Int32? = nil) throws {
        let client = try RawClient(port: port, timeout: .milliseconds(200), receiveBuffer: receiveBuffer)
        try client.send("GET \(path) HTTP/1.1\r\nHost: admin\r\n\(headers)\r\n")
        head = try Self.retrying { try client.readResponse(forHead: true) }
        self.client = client
    }

    /// The next event (of `type`, skipping others, when given) within `timeout`; nil if none came.
    public func next(_ type: String? = nil, timeout: Duration = .seconds(5)) -> Event? {
        let deadline = ContinuousClock.now + timeout
        while true {
            while let event = parseOne() {
                if type == nil || event.type == type { return event }
            }
            guard ContinuousClock.now < deadline else { return nil }
            guard let chunk = try? client.readChunk() else { continue }   // a read timeout: look at the clock
            if chunk.isEmpty { return nil }
            text += String(decoding: chunk, as: UTF8.self)
        }
    }

    /// Every event that arrives within `duration`.
    public func collect(for duration: Duration) -> [Event] {
        let deadline = ContinuousClock.now + duration
        var events: [Event] = []
        while ContinuousClock.now < deadline, let event = next(timeout: deadline - ContinuousClock.now) { events.append(event) }
        return events
    }

    public func close() { client.close() }

    /// Takes one event (or a comment/retry-only block) off the text, nil when none is complete.
    private func parseOne() -> Event? {
        while let blockEnd = text.range(of: "\n\n") {
            let block = text[..<blockEnd.lowerBound]
            text.removeSubrange(..<blockEnd.upperBound)
            var event = Event(id: nil, type: "message", data: "")
            var dataLines: [Substring] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") {
                    comments.append(line.dropFirst().trimmingCharacters(in: .whitespaces))
                    continue
                }
                let field = line.prefix { $0 != ":" }
                var value = line.dropFirst(field.count + 1)
                if value.hasPrefix(" ") { value = value.dropFirst() }
                switch field {
                case "id": event.id = String(value)
                case "event": event.type = String(value)
                case "data": dataLines.append(value)
                case "retry": if let retry = Int(value) { retries.append(retry) }
                default: break
                }
            }
            if dataLines.isEmpty { continue }
            event.data = dataLines.joined(separator: "\n")
            return event
        }
        return nil
    }

    /// The head may take longer than one short read timeout.
    private static func retrying<T>(_ body: () throws -> T) throws -> T {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            do { return try body() } catch where ContinuousClock.now < deadline { continue }
        }
    }
}
