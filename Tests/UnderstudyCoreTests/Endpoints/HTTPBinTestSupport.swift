import Foundation
import Testing
import TestSupport

/// A GET on a fresh connection.
func send(_ server: TestServer, _ target: String, headers: [String] = []) throws -> RawClient.Response {
    try send(server, "GET", target, headers: headers)
}

/// One request on a fresh connection (closed after the answer), for the httpbin tests.
func send(_ server: TestServer, _ method: String, _ target: String, headers: [String] = [],
          body: String? = nil) throws -> RawClient.Response {
    let client = try server.client()
    var text = "\(method) \(target) HTTP/1.1\r\nHost: t\r\n"
    for header in headers { text += header + "\r\n" }
    if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
    text += "Connection: close\r\n\r\n" + (body ?? "")
    try client.send(text)
    return try client.readResponse(forHead: method == "HEAD")
}

/// The body as a JSON object (fails the test if it is not one).
func jsonObject(_ response: RawClient.Response, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], sourceLocation: sourceLocation)
}

/// True if `keys` appear in this order as top-level-looking `"key":` in `text`.
func keysInOrder(_ text: String, _ keys: [String]) -> Bool {
    let positions = keys.map { text.range(of: "\n  \"\($0)\":")?.lowerBound }
    guard positions.allSatisfy({ $0 != nil }) else { return false }
    return zip(positions, positions.dropFirst()).allSatisfy { $0! < $1! }
}

/// go-httpbin's error body: `status_code`, `error`, `detail`.
func expectError(_ response: RawClient.Response, _ status: Int, detail: String?,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(response.status == status, sourceLocation: sourceLocation)
    #expect(response.header("Content-Type") == "application/json; charset=utf-8", sourceLocation: sourceLocation)
    let object = try jsonObject(response, sourceLocation: sourceLocation)
    #expect(object["status_code"] as? Int == status, sourceLocation: sourceLocation)
    #expect((object["error"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(object["detail"] as? String == detail, sourceLocation: sourceLocation)
}
