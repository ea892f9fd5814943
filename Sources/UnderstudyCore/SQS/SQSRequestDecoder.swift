import UnderstudyHTTP

/// One decoded SQS call: protocol, action, input (JSON-shaped), and the queue the path
/// names when an older SDK posts to `/{account}/{queue}` without a QueueUrl.
struct SQSCall {
    var wire: SQSWire
    var action: String
    var input: SQSInput
    var pathQueue: String?

    /// The queue for fault matching (`match: {queue: …}`): QueueUrl's, QueueName's or the path's.
    var queueHint: String? {
        if let url = input.value("QueueUrl")?.stringValue { return SQSActions.queueName(fromURL: url) }
        if let name = input.value("QueueName")?.stringValue { return name }
        return pathQueue
    }
}

/// Reads either protocol off a request. JSON 1.0: `X-Amz-Target: AmazonSQS.<Action>` and
/// a JSON object body. Query: `Action=…` in a form body or in the query string, flattened
/// parameters converted by `QueryInput`. Malformed bodies are errors in that protocol.
enum SQSRequestDecoder {
    struct Failure: Error {
        var wire: SQSWire
        var error: SQSError
    }

    static func decode(_ request: HTTPRequest) -> Result<SQSCall, Failure> {
        let pathQueue = accountQueue(request.path).map { String($0.queue) }
        if let target = request.headers["X-Amz-Target"] {
            guard target.hasPrefix("AmazonSQS.") else {
                return .failure(Failure(wire: .json, error: .invalidAction(target)))
            }
            let action = String(target.dropFirst("AmazonSQS.".count))
            let input: JSONValue
            // Stops at the first byte of a real body (`{`), not after scanning it all.
            if !request.body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
                input = .object([])
            } else {
                guard let parsed = JSONValue.parse(json: request.body), case .object = parsed else {
                    return .failure(Failure(wire: .json, error: .malformedInput("Start of structure or map found where not expected.")))
                }
                input = parsed
            }
            guard SQSActions.names.contains(action) || SQSActions.unsupported.contains(action) else {
                return .failure(Failure(wire: .json, error: .invalidAction(action)))
            }
            return .success(SQSCall(wire: .json, action: action, input: SQSInput(input), pathQueue: pathQueue))
        }
        let texts = formTexts(request)
        guard texts.allSatisfy(isWellFormedForm) else {
            return .failure(Failure(wire: .query, error: .malformedInput("The request has an invalid percent-encoding or is not UTF-8.")))
        }
        let pairs = texts.flatMap { URLEncoding.formPairs($0) }
        if let deep = pairs.first(where: { QueryInput.isTooDeep($0.name) }) {
            return .failure(Failure(wire: .query, error: .malformedInput(
                "The parameter name \(deep.name.prefix(64))… has more than \(QueryInput.maxNameDepth) parts.")))
        }
        guard let action = pairs.last(where: { $0.name == "Action" })?.value else {
            return .failure(Failure(wire: .query, error: .missingAction()))
        }
        guard SQSActions.names.contains(action) || SQSActions.unsupported.contains(action) else {
            return .failure(Failure(wire: .query, error: .invalidAction(action)))
        }
        return .success(SQSCall(wire: .query, action: action, input: SQSInput(QueryInput.json(from: pairs, action: action)),
                                pathQueue: pathQueue))
    }

    /// Parameters from the query string, then the form body (when it is one).
    static func formPairs(_ request: HTTPRequest) -> [(name: String, value: String)] {
        formTexts(request).flatMap { URLEncoding.formPairs($0) }
    }

    /// The query string and the form body (when it is one), undecoded.
    private static func formTexts(_ request: HTTPRequest) -> [Substring] {
        var texts: [Substring] = []
        let target = request.target
        if let mark = target.firstIndex(of: "?") {
            texts.append(target[target.index(after: mark)...])
        }
        if isForm(request), !request.body.isEmpty {
            texts.append(Substring(decoding: request.body, as: UTF8.self))
        }
        return texts
    }

    /// Every `%` starts a two-hex-digit escape and every name and value decodes to UTF-8
    /// (anything else is `MalformedQueryString`, not a guess at what the client meant).
    static func isWellFormedForm(_ text: Substring) -> Bool {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        let bytes = Array(text.utf8)
        var component: [UInt8] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else { return false }
                component.append(high << 4 | low)
                index += 3
                continue
            case UInt8(ascii: "&"), UInt8(ascii: "="):
                guard String(validating: component, as: UTF8.self) != nil else { return false }
                component.removeAll(keepingCapacity: true)
            default:
                component.append(bytes[index])
            }
            index += 1
        }
        return String(validating: component, as: UTF8.self) != nil
    }

    /// A form body (or none declared: old SDKs always send the form type, curl users may not).
    private static func isForm(_ request: HTTPRequest) -> Bool {
        guard let type = request.headers["Content-Type"] else { return true }
        return type.lowercased().hasPrefix("application/x-www-form-urlencoded")
    }

    /// `POST /` without X-Amz-Target is SQS's only when its form names an Action.
    static func formHasAction(_ request: HTTPRequest) -> Bool {
        formPairs(request).contains { $0.name == "Action" }
    }

    /// `/{12-digit account}/{queue}` (a trailing slash tolerated): the account and queue.
    static func accountQueue(_ path: Substring) -> (account: Substring, queue: Substring)? {
        guard path.utf8.count >= 15 else { return nil }   // "/" + 12 digits + "/" + a name
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 || (parts.count == 4 && parts[3].isEmpty), parts[0].isEmpty,
              parts[1].utf8.count == 12, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              !parts[2].isEmpty, parts[2].utf8.count <= 80 else { return nil }
        return (parts[1], parts[2])
    }
}
