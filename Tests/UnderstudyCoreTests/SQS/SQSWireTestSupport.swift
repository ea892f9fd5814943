import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
@testable import UnderstudyCore

/// Hand-built SQS requests over a real loopback socket, one fresh connection each, as the
/// query-protocol SDKs (PHP 3.x before 2023, Java v1) and JSON-protocol SDKs put them on the wire.
struct SQSWireClient {
    let server: TestServer

    var host: String { "127.0.0.1:\(server.dataPort)" }
    /// `http://127.0.0.1:PORT/000000000000/`: what queue URLs built from our Host look like.
    var queueURLBase: String { "http://\(host)/000000000000/" }
    func queueURL(_ name: String) -> String { queueURLBase + name }

    /// A query-protocol POST: `Action=…&Version=2012-11-05` and `parameters`, form-encoded.
    func query(_ action: String, _ parameters: [(String, String)] = [], path: String = "/") throws -> RawClient.Response {
        try post(path, body: Self.form([("Action", action)] + parameters + [("Version", "2012-11-05")]),
                 headers: ["Content-Type: application/x-www-form-urlencoded; charset=utf-8"])
    }

    /// A query call whose response must be a 200 XML document; returns its root.
    @discardableResult
    func queryOK(_ action: String, _ parameters: [(String, String)] = [], path: String = "/",
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> XMLTree {
        let response = try query(action, parameters, path: path)
        #expect(response.status == 200, "\(action): \(response.bodyText)", sourceLocation: sourceLocation)
        return try #require(XMLTree.parse(response.body), "\(action): \(response.bodyText)", sourceLocation: sourceLocation)
    }

    /// A JSON 1.0 POST to `/` with `X-Amz-Target: AmazonSQS.<action>` (or `target` verbatim).
    func json(_ action: String, _ body: String, target: String? = nil, path: String = "/") throws -> RawClient.Response {
        try post(path, body: Array(body.utf8), headers: ["X-Amz-Target: \(target ?? "AmazonSQS." + action)",
                                                         "Content-Type: application/x-amz-json-1.0"])
    }

    func post(_ path: String, body: [UInt8], headers: [String]) throws -> RawClient.Response {
        try send("POST", path, body: body, headers: headers)
    }

    func send(_ method: String, _ path: String, body: [UInt8] = [], headers: [String] = []) throws -> RawClient.Response {
        let client = try RawClient(port: server.dataPort, timeout: .seconds(10))
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for header in headers { head += header + "\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try client.send(Array(head.utf8) + body)
        return try client.readResponse()
    }

    /// `/health` still answers 200 (the server survived whatever came before).
    func expectHealthy(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let response = try send("GET", "/health")
        #expect(response.status == 200, "after \(context)", sourceLocation: sourceLocation)
    }

    /// `application/x-www-form-urlencoded` as the SDKs write it: RFC 3986 unreserved bytes
    /// as they are, everything else `%XX`.
    static func form(_ parameters: [(String, String)]) -> [UInt8] {
        Array(parameters.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&").utf8)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

/// A parsed XML element: name, namespace, text and children. `XMLParser` with namespace
/// processing on, so `namespace` is the resolved URI, not the prefix.
final class XMLTree: CustomStringConvertible {
    let name: String
    let namespace: String?
    var text = ""
    var children: [XMLTree] = []

    init(name: String, namespace: String?) {
        self.name = name
        self.namespace = namespace
    }

    static func parse(_ bytes: [UInt8]) -> XMLTree? {
        let parser = XMLParser(data: Data(bytes))
        let builder = Builder()
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        guard parser.parse() else { return nil }
        return builder.root
    }

    /// The first child named `name`.
    subscript(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// The element at a `/`-separated path of child names.
    func at(_ path: String) -> XMLTree? {
        path.split(separator: "/").reduce(self as XMLTree?) { element, name in element?[String(name)] }
    }

    func all(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// Child element names in document order.
    var childNames: [String] { children.map(\.name) }

    /// This element and every descendant.
    var descendants: [XMLTree] { [self] + children.flatMap(\.descendants) }

    /// `<Attribute><Name/><Value/></Attribute>` (or `Tag` with `Key`) children as a dictionary.
    func pairs(_ element: String, key: String = "Name") -> [String: String] {
        var result: [String: String] = [:]
        for pair in all(element) {
            if let name = pair[key]?.text { result[name] = pair["Value"]?.text ?? "" }
        }
        return result
    }

    var description: String {
        children.isEmpty ? "<\(name)>\(text)</\(name)>" : "<\(name)>\(children.map(\.description).joined())</\(name)>"
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        var stack: [XMLTree] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let element = XMLTree(name: elementName, namespace: namespaceURI)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

/// Checks on SQS responses in each protocol's own shape.
enum SQSExpect {
    static let namespace = "http://queue.amazonaws.com/doc/2012-11-05/"

    /// `<ActionResponse xmlns=…>[<ActionResult>…</ActionResult>]<ResponseMetadata><RequestId/>…`,
    /// every element in the 2012-11-05 namespace, RequestId the one in `x-amzn-RequestId`.
    /// Returns the result element (nil for actions without one).
    @discardableResult
    static func querySuccess(_ root: XMLTree, _ action: String, hasResult: Bool = true,
                             sourceLocation: SourceLocation = #_sourceLocation) -> XMLTree? {
        #expect(root.name == "\(action)Response", sourceLocation: sourceLocation)
        #expect(root.descendants.allSatisfy { $0.namespace == namespace }, "\(root)", sourceLocation: sourceLocation)
        #expect(root.childNames == (hasResult ? ["\(action)Result", "ResponseMetadata"] : ["ResponseMetadata"]),
                sourceLocation: sourceLocation)
        let requestID = root.at("ResponseMetadata/RequestId")?.text ?? ""
        #expect(!requestID.isEmpty, sourceLocation: sourceLocation)
        return root["\(action)Result"]
    }

    /// The query error shape: `<ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error>
    /// <RequestId/></ErrorResponse>`, RequestId a direct child, the status as given.
    /// Returns the message.
    @discardableResult
    static func queryError(_ response: RawClient.Response, status: Int, code: String, type: String = "Sender",
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(response.status == status, "\(code): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "text/xml", sourceLocation: sourceLocation)
        let root = try #require(XMLTree.parse(response.body), "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(root.name == "ErrorResponse", sourceLocation: sourceLocation)
        #expect(root.descendants.allSatisfy { $0.namespace == namespace }, sourceLocation: sourceLocation)
        #expect(root.childNames == ["Error", "RequestId"], sourceLocation: sourceLocation)
        let error = try #require(root["Error"], sourceLocation: sourceLocation)
        #expect(error.childNames == ["Type", "Code", "Message", "Detail"], sourceLocation: sourceLocation)
        #expect(error["Type"]?.text == type, sourceLocation: sourceLocation)
        #expect(error["Code"]?.text == code, sourceLocation: sourceLocation)
        #expect(error["Detail"]?.text == "" && error["Detail"]?.children.isEmpty == true, sourceLocation: sourceLocation)
        let requestID = root["RequestId"]?.text ?? ""
        #expect(!requestID.isEmpty, sourceLocation: sourceLocation)
        #expect(response.header("x-amzn-RequestId") == requestID, sourceLocation: sourceLocation)
        return error["Message"]?.text ?? ""
    }

    /// The JSON 1.0 error shape: `{"__type": …, "message": …}`, `x-amzn-query-error:
    /// CODE;Sender`, the JSON content type and the status as given. Returns the message.
    @discardableResult
    static func jsonError(_ response: RawClient.Response, status: Int, type: String, queryCode: String,
                          fault: String = "Sender", sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(response.status == status, "\(type): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/x-amz-json-1.0", sourceLocation: sourceLocation)
        #expect(response.header("x-amzn-query-error") == "\(queryCode);\(fault)", sourceLocation: sourceLocation)
        #expect(response.header("x-amzn-RequestId")?.isEmpty == false, sourceLocation: sourceLocation)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                                  "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(Set(object.keys) == ["__type", "message"], sourceLocation: sourceLocation)
        #expect(object["__type"] as? String == type, sourceLocation: sourceLocation)
        return object["message"] as? String ?? ""
    }
}

/// The MD5s the SDKs recompute, written here from the algorithm (aws-sdk-java's
/// `MessageMD5ChecksumHandler`) rather than taken from the server's `SQSDigest`.
enum ExpectedMD5 {
    enum Value {
        case string(String)
        case binary([UInt8])
    }

    static func hex(_ bytes: [UInt8]) -> String { SQSDigest.md5Hex(bytes) }

    static func body(_ text: String) -> String { hex(Array(text.utf8)) }

    /// Names sorted; per attribute: u32be length + name, u32be length + DataType, then the
    /// transport byte (1 String/Number, 2 Binary) and u32be length + value bytes.
    static func attributes(_ attributes: [(name: String, dataType: String, value: Value)]) -> String {
        var buffer: [UInt8] = []
        func prefixed(_ bytes: [UInt8]) {
            let count = UInt32(bytes.count)
            buffer += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
            buffer += bytes
        }
        for attribute in attributes.sorted(by: { $0.name < $1.name }) {
            prefixed(Array(attribute.name.utf8))
            prefixed(Array(attribute.dataType.utf8))
            switch attribute.value {
            case .string(let text):
                buffer.append(1)
                prefixed(Array(text.utf8))
            case .binary(let bytes):
                buffer.append(2)
                prefixed(bytes)
            }
        }
        return hex(buffer)
    }
}

/// A config for SQS tests: the test defaults plus `adjust`.
func makeSQSConfig(_ adjust: (inout UnderstudyConfig) -> Void = { _ in }) -> UnderstudyConfig {
    makeTestConfig { config in
        config.log.access = false
        adjust(&config)
    }
}

/// A config whose queue `name` exists from the start.
func makeSQSConfig(withQueue name: String) -> UnderstudyConfig {
    makeSQSConfig { config in
        var queue = SQSQueueConfig()
        queue.name = name
        config.sqs.queues = [queue]
    }
}
