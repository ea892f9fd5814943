import UnderstudyHTTP

/// The two wire protocols SQS speaks, and how each one frames a result or an error.
/// JSON 1.0: the result object as JSON; errors as `{"__type","message"}` plus
/// `x-amzn-query-error`. Query: XML in the 2012-11-05 namespace with
/// `ResponseMetadata/RequestId`; errors as `ErrorResponse` with `RequestId` a direct child.
enum SQSWire: String, Sendable {
    case json
    case query

    static let xmlNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"

    func success(action: String, result: JSONValue?, requestID: String) -> HTTPResponse {
        switch self {
        case .json:
            return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/x-amz-json-1.0"),
                                                                   ("x-amzn-RequestId", requestID)]),
                                body: CompactJSON.bytes(result ?? .object([])))
        case .query:
            var xml = "<?xml version=\"1.0\"?><\(action)Response xmlns=\"\(Self.xmlNamespace)\">"
            if let result {
                xml += "<\(action)Result>"
                SQSXML.members(result.members ?? [], action: action, into: &xml)
                xml += "</\(action)Result>"
            }
            xml += "<ResponseMetadata><RequestId>\(SQSXML.escape(requestID))</RequestId></ResponseMetadata></\(action)Response>"
            return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/xml"), ("x-amzn-RequestId", requestID)]),
                                body: Array(xml.utf8))
        }
    }

    func failure(_ error: SQSError, requestID: String) -> HTTPResponse {
        switch self {
        case .json:
            let body = CompactJSON.bytes(.object([.init("__type", .string(error.jsonType)),
                                                  .init("message", .string(error.message(for: self)))]))
            return HTTPResponse(status: error.status, headers: HTTPHeaders([
                ("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", requestID),
                ("x-amzn-query-error", error.queryErrorHeader),
            ]), body: body)
        case .query:
            let xml = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"\(Self.xmlNamespace)\"><Error>"
                + "<Type>\(error.isSenderFault ? "Sender" : "Receiver")</Type><Code>\(SQSXML.escape(error.queryCode))</Code>"
                + "<Message>\(SQSXML.escape(error.message(for: self)))</Message><Detail/></Error>"
                + "<RequestId>\(SQSXML.escape(requestID))</RequestId></ErrorResponse>"
            return HTTPResponse(status: error.status, headers: HTTPHeaders([("Content-Type", "text/xml"), ("x-amzn-RequestId", requestID)]),
                                body: Array(xml.utf8))
        }
    }
}

/// Writes a JSON-shaped result as the query protocol's XML: maps become repeated
/// `Attribute`/`Tag`/`MessageAttribute` elements with Name/Key and Value, lists become
/// repeated elements named for their member (`QueueUrl`, `Message`, `…ResultEntry`).
enum SQSXML {
    static func members(_ members: [JSONValue.Member], action: String, into xml: inout String) {
        for member in members { element(member.key, member.value, action: action, into: &xml) }
    }

    private static func element(_ key: String, _ value: JSONValue, action: String, into xml: inout String) {
        switch (key, value) {
        case ("Attributes", .object(let entries)):
            for entry in entries { pair("Attribute", "Name", entry, action: action, into: &xml) }
        case ("Tags", .object(let entries)):
            for entry in entries { pair("Tag", "Key", entry, action: action, into: &xml) }
        case ("MessageAttributes", .object(let entries)), ("MessageSystemAttributes", .object(let entries)):
            for entry in entries { pair("MessageAttribute", "Name", entry, action: action, into: &xml) }
        case (_, .array(let items)):
            let name = listElement(key, action: action)
            for item in items { element(name, item, action: action, into: &xml) }
        case (_, .object(let fields)):
            xml += "<\(key)>"
            members(fields, action: action, into: &xml)
            xml += "</\(key)>"
        case (_, .null):
            break
        default:
            xml += "<\(key)>\(escape(value.scalarText ?? ""))</\(key)>"
        }
    }

    private static func pair(_ element: String, _ keyName: String, _ entry: JSONValue.Member, action: String,
                             into xml: inout String) {
        xml += "<\(element)><\(keyName)>\(escape(entry.key))</\(keyName)>"
        self.element("Value", entry.value, action: action, into: &xml)
        xml += "</\(element)>"
    }

    private static func listElement(_ key: String, action: String) -> String {
        switch key {
        case "QueueUrls", "queueUrls": "QueueUrl"
        case "Messages": "Message"
        case "Successful": action + "ResultEntry"
        case "Failed": "BatchResultErrorEntry"
        case "StringListValues": "StringListValue"
        case "BinaryListValues": "BinaryListValue"
        default: key
        }
    }

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0x0D }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
