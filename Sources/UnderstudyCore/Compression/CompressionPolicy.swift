import UnderstudyHTTP

/// What a plane compresses and decodes, built once from `compression:` (nil on a plane that
/// leaves bodies alone). Decides per response whether it is worth compressing and in which
/// coding, and decodes request bodies before their handler.
public struct CompressionPolicy: Sendable {
    let minBytes: Int
    let level: Int
    let types: [MediaTypePattern]
    /// A decoded request body longer than this answers 413 (`server.limits.body_bytes`).
    let decodedBodyLimit: Int

    /// nil when `config.enabled` is false.
    public init?(_ config: CompressionConfig, decodedBodyLimit: Int) {
        guard config.enabled else { return nil }
        minBytes = Int(config.minBytes.bytes)
        level = config.level
        types = config.types.compactMap(MediaTypePattern.init)
        self.decodedBodyLimit = decodedBodyLimit
    }

    // MARK: Responses

    /// The coding for a response with `status` and `headers` to `request`, whose body has
    /// `length` bytes (nil: streamed, length unknown). A response worth compressing gets
    /// `Vary: Accept-Encoding` whatever the client accepts (a cache must keep both forms);
    /// nil when it goes as it is.
    func coding(for request: HTTPRequest, status: Int, headers: inout HTTPHeaders, length: Int?) -> ContentCoding? {
        // Cheap checks first: most answers (`/health`) are short.
        guard (length ?? Int.max) >= minBytes, status >= 200, status != 204, status != 206, status != 304,
              headers["Content-Encoding"] == nil,
              !headers.contains("Cache-Control", token: "no-transform"),
              let contentType = headers["Content-Type"], types.contains(where: { $0.matches(contentType) }) else { return nil }
        if !headers.contains("Vary", token: "Accept-Encoding") && !headers.contains("Vary", token: "*") {
            headers.add("Vary", "Accept-Encoding")
        }
        let accepted = request.headers["Accept-Encoding"] == nil
            ? AcceptEncoding(nil) : AcceptEncoding(request.headers.values("Accept-Encoding").joined(separator: ","))
        let coding = accepted.preferred
        guard coding != .identity else { return nil }
        headers.add("Content-Encoding", coding.rawValue)
        return coding
    }

    /// `response` compressed when it is worth it and the client accepts a coding.
    func encode(_ response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
        var headers = response.headers
        guard let coding = coding(for: request, status: response.status, headers: &headers, length: response.body.count) else {
            if headers.count == response.headers.count { return response }
            return HTTPResponse(status: response.status, headers: headers, body: response.body)   // Vary added
        }
        guard let body = Deflater.compressAll(response.body, coding, level: level) else { return response }
        return HTTPResponse(status: response.status, headers: headers, body: body)
    }

    /// A compression stream for a streamed response, after `coding` chose one.
    func deflater(for coding: ContentCoding) -> Deflater? {
        Deflater(coding, level: level)
    }

    // MARK: Request bodies

    /// `request` with its body decoded (`Content-Encoding` removed, `Content-Length` the
    /// decoded length), or the answer that refuses it: 415 naming an unknown coding, 400 for
    /// data that is not in its coding, 413 past `decodedBodyLimit`.
    func decodedRequest(_ request: HTTPRequest) -> RequestDecoding {
        let tokens = request.headers.values("Content-Encoding").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingOWS() }.filter { !$0.isEmpty }
        var codings: [ContentCoding] = []
        for token in tokens {
            guard let coding = ContentCoding(token: token) else {
                // RFC 9110 §15.5.16: Accept-Encoding in the 415 names the codings accepted.
                var refusal = HTTPResponse.plainText(415, "unsupported Content-Encoding \"\(token)\": gzip, deflate or identity")
                refusal.headers.add("Accept-Encoding", "gzip, deflate")
                return .refused(refusal)
            }
            if coding != .identity { codings.append(coding) }
        }
        var body = request.body
        // Codings are listed in the order they were applied (RFC 9110 §8.4): undone last first.
        for coding in codings.reversed() {
            do {
                body = try Inflater.decode(body, coding, limit: decodedBodyLimit)
            } catch {
                switch error {
                case .tooLarge(let limit):
                    return .refused(.plainText(413, "decoded request body over server.limits.body_bytes (\(ByteSize(bytes: limit)))"))
                case .malformed(let reason):
                    return .refused(.plainText(400, "request body is not valid \(coding.rawValue): \(reason)"))
                }
            }
        }
        var decoded = request
        decoded.head.headers.remove("Content-Encoding")
        decoded.head.headers.set("Content-Length", String(body.count))
        decoded.body = body
        return .decoded(decoded)
    }

    /// A request body decoded for its handler, or the answer that refuses it.
    enum RequestDecoding {
        case decoded(HTTPRequest)
        case refused(HTTPResponse)
    }
}
