import UnderstudyHTTP

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
