import UnderstudyHTTP

/// The data plane's route table: every route in one place (go-httpbin's `Handler()`).
/// Health first (the hot path, no CORS), then the httpbin families; later issues add SQS.
struct DataPlaneRoutes {
    let health: HealthEndpoints
    var httpbin = HTTPBinSettings()

    func handle(_ exchange: Exchange) {
        let path = exchange.request.path
        switch path {
        case "/health":
            exchange.route = "/health"
            health.answerHealth(exchange)
        case "/readyz":
            exchange.route = "/readyz"
            health.answerHealth(exchange)
        case "/livez":
            exchange.route = "/livez"
            health.answerLive(exchange)
        default:
            routeHTTPBin(exchange, path: path)
        }
    }

    private func routeHTTPBin(_ exchange: Exchange, path: Substring) {
        if exchange.request.method == "OPTIONS" {
            exchange.route = "OPTIONS"
            return HTTPBinCORS.preflight(exchange)
        }
        // ServeMux: a non-canonical path is redirected before any route is matched.
        if HTTPBinCleanPath.redirectIfNeeded(exchange) { return }
        let segments = HTTPBinPath(path)
        guard let first = segments.first else { return Self.notFound(exchange) }
        let s = httpbin, p = segments
        let get = ["GET", "HEAD"]
        switch (first, p.count) {
        case ("", 1): p.on(exchange, "/", get) { HTTPBinFormats.index($0) }
        case ("get", 1): p.on(exchange, "/get", get) { HTTPBinEcho.noBody($0) }
        case ("head", 1): p.on(exchange, "/head", ["HEAD"]) { HTTPBinEcho.noBody($0) }
        case ("post", 1): p.on(exchange, "/post", ["POST"]) { HTTPBinEcho.withBody($0) }
        case ("put", 1): p.on(exchange, "/put", ["PUT"]) { HTTPBinEcho.withBody($0) }
        case ("patch", 1): p.on(exchange, "/patch", ["PATCH"]) { HTTPBinEcho.withBody($0) }
        case ("delete", 1): p.on(exchange, "/delete", ["DELETE"]) { HTTPBinEcho.withBody($0) }
        case ("anything", _): p.on(exchange, p.count == 1 ? "/anything" : "/anything/{rest}") { HTTPBinEcho.anything($0) }
        case ("upload", 1): p.on(exchange, "/upload", ["PATCH", "POST", "PUT"]) { HTTPBinEcho.upload($0) }
        case ("dump", 2) where p[1] == "request": p.on(exchange, "/dump/request") { HTTPBinEcho.dumpRequest($0) }
        case ("headers", 1): p.on(exchange, "/headers") { HTTPBinEcho.headers($0) }
        case ("ip", 1): p.on(exchange, "/ip") { HTTPBinEcho.ip($0) }
        case ("user-agent", 1): p.on(exchange, "/user-agent") { HTTPBinEcho.userAgent($0) }
        case ("uuid", 1): p.on(exchange, "/uuid") { HTTPBinMisc.uuid($0) }
        case ("hostname", 1): p.on(exchange, "/hostname") { HTTPBinMisc.hostname($0, s.hostname) }
        case ("status", 2): p.on(exchange, "/status/{code}") { HTTPBinStatus.status($0, p[1]) }
        case ("unstable", 1): p.on(exchange, "/unstable") { HTTPBinStatus.unstable($0) }
        case ("delay", 2): p.on(exchange, "/delay/{duration}") { HTTPBinDelays.delay($0, p[1], max: s.maxDelay) }
        case ("drip", 1): p.on(exchange, "/drip") { HTTPBinDelays.drip($0, max: s.maxDelay) }
        case ("bytes", 2): p.on(exchange, "/bytes/{n}") { HTTPBinBytes.bytes($0, p[1], streamed: false) }
        case ("stream-bytes", 2): p.on(exchange, "/stream-bytes/{n}") { HTTPBinBytes.bytes($0, p[1], streamed: true) }
        case ("range", 2): p.on(exchange, "/range/{n}") { HTTPBinBytes.range($0, p[1]) }
        case ("stream", 2): p.on(exchange, "/stream/{n}") { HTTPBinStreams.stream($0, p[1]) }
        case ("jsonl", 1): p.on(exchange, "/jsonl") { HTTPBinStreams.jsonl($0, max: s.maxDelay) }
        case ("sse", 1): p.on(exchange, "/sse") { HTTPBinStreams.sse($0, max: s.maxDelay) }
        case ("trailers", 1): p.on(exchange, "/trailers") { HTTPBinStreams.trailers($0) }
        case ("redirect", 2): p.on(exchange, "/redirect/{n}") { HTTPBinRedirects.redirect($0, p[1], kind: nil) }
        case ("relative-redirect", 2): p.on(exchange, "/relative-redirect/{n}") { HTTPBinRedirects.redirect($0, p[1], kind: .relative) }
        case ("absolute-redirect", 2): p.on(exchange, "/absolute-redirect/{n}") { HTTPBinRedirects.redirect($0, p[1], kind: .absolute) }
        case ("redirect-to", 1): p.on(exchange, "/redirect-to") { HTTPBinRedirects.redirectTo($0) }
        case ("links", 2): p.on(exchange, "/links/{n}") { HTTPBinRedirects.links($0, p[1], offset: nil) }
        case ("links", 3): p.on(exchange, "/links/{n}/{offset}") { HTTPBinRedirects.links($0, p[1], offset: p[2]) }
        case ("cookies", 1): p.on(exchange, "/cookies") { HTTPBinCookies.list($0) }
        case ("cookies", 2) where p[1] == "set": p.on(exchange, "/cookies/set") { HTTPBinCookies.set($0, deleting: false) }
        case ("cookies", 2) where p[1] == "delete": p.on(exchange, "/cookies/delete") { HTTPBinCookies.set($0, deleting: true) }
        case ("basic-auth", 3): p.on(exchange, "/basic-auth/{user}/{password}") { HTTPBinAuth.basic($0, p[1], p[2], hidden: false) }
        case ("hidden-basic-auth", 3):
            p.on(exchange, "/hidden-basic-auth/{user}/{password}") { HTTPBinAuth.basic($0, p[1], p[2], hidden: true) }
        case ("bearer", 1): p.on(exchange, "/bearer") { HTTPBinAuth.bearer($0) }
        case ("digest-auth", 4):
            p.on(exchange, "/digest-auth/{qop}/{user}/{password}") { HTTPBinDigestAuth.answer($0, p[1], p[2], p[3], nil) }
        case ("digest-auth", 5):
            p.on(exchange, "/digest-auth/{qop}/{user}/{password}/{algorithm}") { HTTPBinDigestAuth.answer($0, p[1], p[2], p[3], p[4]) }
        case ("response-headers", 1): p.on(exchange, "/response-headers") { HTTPBinCaching.responseHeaders($0) }
        case ("cache", 1): p.on(exchange, "/cache") { HTTPBinCaching.cache($0) }
        case ("cache", 2): p.on(exchange, "/cache/{n}") { HTTPBinCaching.cache($0, seconds: p[1]) }
        case ("etag", 2): p.on(exchange, "/etag/{etag}") { HTTPBinCaching.etag($0, p[1]) }
        case ("gzip", 1): p.on(exchange, "/gzip") { HTTPBinCompression.answer($0, .gzip) }
        case ("deflate", 1): p.on(exchange, "/deflate") { HTTPBinCompression.answer($0, .deflate) }
        case ("brotli", 1): p.on(exchange, "/brotli") { $0.answerError(501) }
        case ("base64", 2): p.on(exchange, "/base64/{data}") { HTTPBinFormats.base64($0, operation: "decode", p[1]) }
        case ("base64", 3): p.on(exchange, "/base64/{operation}/{data}") { HTTPBinFormats.base64($0, operation: p[1], p[2]) }
        case ("json", 1): p.on(exchange, "/json") { HTTPBinFormats.json($0) }
        case ("html", 1): p.on(exchange, "/html") { HTTPBinFormats.html($0) }
        case ("xml", 1): p.on(exchange, "/xml") { HTTPBinFormats.xml($0) }
        case ("robots.txt", 1): p.on(exchange, "/robots.txt") { HTTPBinFormats.robots($0) }
        case ("deny", 1): p.on(exchange, "/deny") { HTTPBinFormats.deny($0) }
        case ("encoding", 2) where p[1] == "utf8": p.on(exchange, "/encoding/utf8", get) { HTTPBinFormats.utf8($0) }
        case ("forms", 2) where p[1] == "post": p.on(exchange, "/forms/post", get) { HTTPBinFormats.formsPost($0) }
        case ("image", 1): p.on(exchange, "/image") { HTTPBinImages.negotiate($0) }
        case ("image", 2): p.on(exchange, "/image/{kind}") { HTTPBinImages.kind($0, p[1]) }
        case ("env", 1): p.on(exchange, "/env") { HTTPBinMisc.env($0) }
        case ("version", 1): p.on(exchange, "/version") { HTTPBinMisc.version($0) }
        default: Self.notFound(exchange)
        }
    }

    static func notFound(_ exchange: Exchange) {
        exchange.route = "unmatched"
        exchange.answerError(404, "no route for \(exchange.request.method) \(exchange.request.path)")
    }

    static func isRead(_ exchange: Exchange) -> Bool {
        exchange.request.method == "GET" || exchange.request.method == "HEAD"
    }

    static func methodNotAllowed(_ exchange: Exchange) {
        exchange.respond(HTTPBinError.response(405, detail: "\(exchange.request.method) not allowed",
                                               headers: ["Allow": "GET, HEAD"]))
    }
}
