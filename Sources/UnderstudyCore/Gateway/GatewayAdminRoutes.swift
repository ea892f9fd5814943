import Dispatch
import UnderstudyHTTP
import UnderstudyNet

/// The gateway's admin API: targets (ALB's RegisterTargets, DeregisterTargets and
/// DescribeTargetHealth as `PUT`, `DELETE` and `GET`), state, metrics and the event stream,
/// behind the bearer token when one is set; the dashboard's `gateway.html` and its files
/// elsewhere, without one. Runs on the gateway's admin loop.
struct GatewayAdminRoutes {
    let gateway: GatewayServer
    let files: StaticFiles?

    static let endpoints = ["/api/targets", "/api/targets/{host:port}", "/api/state", "/api/events", "/metrics"]

    func handle(_ exchange: Exchange) {
        let request = exchange.request
        let path = request.path
        if !(path == "/api" || path.hasPrefix("/api/") || path == "/metrics") {
            return AdminRoutes.serveFile(exchange, files: files, endpoints: Self.endpoints)
        }
        guard AdminAuthorization(token: gateway.config.admin.token).allows(request) else {
            exchange.route = "unauthorized"
            return exchange.respond(AdminResponse.unauthorized)
        }
        switch (request.method, path) {
        case ("GET", "/api/targets"), ("HEAD", "/api/targets"):
            exchange.route = "/api/targets"
            exchange.respond(AdminResponse.json(["targets": gateway.targets()]))
        case (_, _) where path.hasPrefix("/api/targets/") && path.count > "/api/targets/".count:
            exchange.route = "/api/targets/{target}"
            target(exchange, name: URLEncoding.decode(path.dropFirst("/api/targets/".count)))
        case ("GET", "/api/state"), ("HEAD", "/api/state"):
            exchange.route = "/api/state"
            exchange.respond(AdminResponse.json(GatewayState(gateway)))
        case ("GET", "/metrics"), ("HEAD", "/metrics"):
            exchange.route = "/metrics"
            exchange.respond(HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                          body: gateway.renderMetrics()))
        case (_, "/api/events"):
            exchange.route = "/api/events"
            EventStreamRoute.serve(exchange, hub: gateway.events)
        case ("GET", "/api"), ("HEAD", "/api"), ("GET", "/api/"), ("HEAD", "/api/"):
            exchange.route = "/api"
            exchange.respond(AdminResponse.json(["endpoints": Self.endpoints]))
        case (_, "/api/targets"), (_, "/api/state"), (_, "/metrics"), (_, "/api"), (_, "/api/"):
            exchange.route = path == "/api/" ? "/api" : String(path)
            exchange.respond(AdminResponse.error(405, "method \(request.method) not allowed", field: "method",
                                                 headers: ["Allow": "GET, HEAD"]))
        default:
            exchange.respond(AdminResponse.error(404, "no admin route for \(path)", field: "path"))
        }
    }

    /// `PUT` registers (201, or 200 when registered already), `DELETE` starts draining (202),
    /// `GET` shows the one target.
    private func target(_ exchange: Exchange, name: String) {
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: name)
        } catch {
            return exchange.respond(AdminResponse.error(400, "expected host:port like 127.0.0.1:8080, \(error)", field: "target"))
        }
        guard address.host != "0.0.0.0", address.host != "::", address.port != 0 else {
            return exchange.respond(AdminResponse.error(400, "expected a target host and a port above 0, got \(name)", field: "target"))
        }
        let name = address.description
        switch exchange.request.method {
        case "PUT":
            // Resolving a name may block: done off the loop, answered back on it.
            let bound = LoopBound(exchange, on: exchange.loop)
            let gateway = self.gateway
            DispatchQueue.global().async {
                let isNew = gateway.register(address)
                let status = gateway.targets().first { $0.target == name && $0.state != .draining }
                bound.loop.execute {
                    guard let status else {
                        return bound.value.respond(AdminResponse.error(500, "target \(name) was not registered", field: "target"))
                    }
                    bound.value.respond(AdminResponse.json(status, status: isNew ? 201 : 200))
                }
            }
        case "DELETE":
            guard gateway.deregister(name) else {
                return exchange.respond(AdminResponse.error(404, "target \(name) is not registered", field: "target"))
            }
            let status = gateway.targets().first { $0.target == name && $0.state == .draining }
            exchange.respond(AdminResponse.json(status.map { [$0] } ?? [], status: 202))
        case "GET", "HEAD":
            guard let status = gateway.targets().first(where: { $0.target == name }) else {
                return exchange.respond(AdminResponse.error(404, "target \(name) is not registered", field: "target"))
            }
            exchange.respond(AdminResponse.json(status))
        default:
            exchange.respond(AdminResponse.error(405, "method \(exchange.request.method) not allowed", field: "method",
                                                 headers: ["Allow": "GET, HEAD, PUT, DELETE"]))
        }
    }
}

/// `GET /api/state` on the gateway's admin plane.
struct GatewayState: Encodable {
    let listeners: [String]
    let idleTimeout: String
    let targetIdleTimeout: String
    let routing: String
    let targets: [TargetStatus]
    let openConnections: Int
    let requests: Int

    init(_ gateway: GatewayServer) {
        listeners = gateway.plane.listeners.map(\.boundAddress.description)
        idleTimeout = gateway.config.idleTimeout.description
        targetIdleTimeout = ConfigDuration(gateway.config.effectiveTargetIdleTimeout).description
        routing = gateway.config.routing.rawValue
        targets = gateway.targets()
        openConnections = gateway.plane.openConnections
        requests = gateway.plane.requestsServed
    }

    enum CodingKeys: String, CodingKey {
        case listeners, idleTimeout = "idle_timeout", targetIdleTimeout = "target_idle_timeout", routing, targets
        case openConnections = "open_connections", requests
    }
}
