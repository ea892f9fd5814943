import UnderstudyHTTP

/// The data plane's route table: every route in one place (go-httpbin's `Handler()`).
/// Later issues add the httpbin families, the SQS API and fault rules here.
struct DataPlaneRoutes {
    let health: HealthEndpoints

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
        case "/":
            exchange.route = "/"
            answerIndex(exchange)
        default:
            exchange.respond(HTTPBinError.response(404, detail: "no route for \(exchange.request.method) \(path)"))
        }
    }

    /// `GET /`: what this server answers. Load-balancer checks that default to `/` pass.
    private func answerIndex(_ exchange: Exchange) {
        guard Self.isRead(exchange) else { return Self.methodNotAllowed(exchange) }
        let body = """
            {"service":"understudy","endpoints":["/health","/livez","/readyz"]}

            """
        exchange.respond(HTTPResponse(status: 200, contentType: "application/json", body: body))
    }

    static func isRead(_ exchange: Exchange) -> Bool {
        exchange.request.method == "GET" || exchange.request.method == "HEAD"
    }

    static func methodNotAllowed(_ exchange: Exchange) {
        exchange.respond(HTTPBinError.response(405, detail: "\(exchange.request.method) not allowed",
                                               headers: ["Allow": "GET, HEAD"]))
    }
}

/// `/health`, `/readyz` (the same answer) and `/livez`: the configured or run-time answer,
/// 503 while draining, delays on a timer.
struct HealthEndpoints {
    let state: HealthState
    let shared: PlaneShared

    func answerHealth(_ exchange: Exchange) {
        guard DataPlaneRoutes.isRead(exchange) else { return DataPlaneRoutes.methodNotAllowed(exchange) }
        let (response, delay) = state.responseAndDelay
        exchange.respond(after: delay, shared.isDraining ? Self.draining : response)
    }

    func answerLive(_ exchange: Exchange) {
        guard DataPlaneRoutes.isRead(exchange) else { return DataPlaneRoutes.methodNotAllowed(exchange) }
        exchange.respond(Self.live)
    }

    private static let draining = HTTPResponse(status: 503, contentType: "application/json", body: #"{"status":"draining"}"#)
    private static let live = HTTPResponse(status: 200, contentType: "application/json", body: #"{"status":"ok"}"#)
}
