#if canImport(Glibc)
import Glibc
#endif
import UnderstudyHTTP

/// A request path split into percent-decoded segments for the route table, and the step
/// every route shares: label the exchange with its template, check the method (405 with
/// `Allow`), then answer. A `{name}` segment must be non-empty, as in Go's ServeMux.
struct HTTPBinPath {
    private let segments: [String]
    private let hasEmptySegment: Bool

    init(_ path: Substring) {
        let raw = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        segments = raw.map { URLEncoding.decode($0) }
        hasEmptySegment = raw.count > 1 && raw.contains { $0.isEmpty }
    }

    var first: String? { segments.first }
    var count: Int { segments.count }
    subscript(index: Int) -> String { segments[index] }

    /// Runs `answer` if the method is one of `methods` (nil: any method); `GET` routes take `HEAD`.
    func on(_ exchange: Exchange, _ template: String, _ methods: [String]? = nil, _ answer: (Exchange) -> Void) {
        guard !hasEmptySegment || template.hasPrefix("/anything") else { return DataPlaneRoutes.notFound(exchange) }
        exchange.route = template
        if let methods, !methods.contains(exchange.request.method) {
            return exchange.answerError(405, "\(exchange.request.method) not allowed on \(template)",
                                        headers: ["Allow": methods.sorted().joined(separator: ", ")])
        }
        answer(exchange)
    }
}

/// What the httpbin routes need from the configuration, fixed at start-up.
struct HTTPBinSettings: Sendable {
    /// The longest delay a request may ask for (`faults.max_delay`; go-httpbin's is 10 s).
    var maxDelay: Duration = .seconds(600)
    /// What `/hostname` answers: this machine's name, so a client can tell replicas apart.
    var hostname: String = HTTPBinSettings.machineHostname()

    init(maxDelay: Duration = .seconds(600), hostname: String = HTTPBinSettings.machineHostname()) {
        self.maxDelay = maxDelay
        self.hostname = hostname
    }

    init(config: UnderstudyConfig) {
        self.init(maxDelay: config.faults.maxDelay.duration)
    }

    static func machineHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "understudy" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// go-httpbin's `preflight` middleware for `OPTIONS`: 200, empty body, the CORS fields.
enum HTTPBinCORS {
    static func preflight(_ exchange: Exchange) {
        var headers: HTTPHeaders = ["Access-Control-Allow-Methods": "GET, POST, HEAD, PUT, DELETE, PATCH, OPTIONS",
                                    "Access-Control-Max-Age": "3600"]
        if let requested = exchange.request.headers["Access-Control-Request-Headers"], !requested.isEmpty {
            headers.add("Access-Control-Allow-Headers", requested)
        }
        exchange.answer(HTTPResponse(status: 200, headers: headers))
    }
}
