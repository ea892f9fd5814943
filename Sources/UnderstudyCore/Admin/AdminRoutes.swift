import Foundation
import UnderstudyHTTP
import UnderstudyNet

/// The admin plane's route table: state, metrics, the event stream and run-time control
/// under `/api/` behind the bearer token when one is configured, and the dashboard's files
/// everywhere else (no token: they hold no data). Runs on its own loop, outside the data
/// plane's limits.
struct AdminRoutes {
    let server: UnderstudyServer
    let token: String?
    let files: StaticFiles?

    static let endpoints = ["/api/state", "/api/events", "/api/health", "/api/faults", "/api/queues", "/metrics"]

    func handle(_ exchange: Exchange) {
        let request = exchange.request
        let path = request.path
        if !(path == "/api" || path.hasPrefix("/api/") || path == "/metrics") {
            return Self.serveFile(exchange, files: files, endpoints: Self.endpoints)
        }
        guard AdminAuthorization(token: token).allows(request) else {
            exchange.route = "unauthorized"
            return exchange.respond(AdminResponse.unauthorized)
        }
        switch (request.method, path) {
        case ("GET", "/api/state"), ("HEAD", "/api/state"):
            exchange.route = "/api/state"
            exchange.respond(AdminResponse.json(server.stateSnapshot()))
        case (_, "/api/events"):
            exchange.route = "/api/events"
            EventStreamRoute.serve(exchange, hub: server.events)
        case ("GET", "/metrics"), ("HEAD", "/metrics"):
            exchange.route = "/metrics"
            exchange.respond(HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                          body: server.renderMetrics()))
        case (_, "/api/health"):
            exchange.route = "/api/health"
            exchange.respond(HealthAPI(state: server.health).handle(request))
        case (_, "/api/faults"):
            exchange.route = "/api/faults"
            exchange.respond(FaultsAPI(rules: server.faults).handle(request, name: nil))
        case (_, _) where path.hasPrefix("/api/faults/") && path.count > "/api/faults/".count:
            exchange.route = "/api/faults/{name}"
            let name = URLEncoding.decode(path.dropFirst("/api/faults/".count))
            exchange.respond(FaultsAPI(rules: server.faults).handle(request, name: name))
        case (_, "/api/queues"):
            exchange.route = "/api/queues"
            exchange.respond(QueuesAPI(store: server.queues).handle(request, name: nil, messages: false).response)
        case (_, _) where path.hasPrefix("/api/queues/") && path.count > "/api/queues/".count:
            var rest = path.dropFirst("/api/queues/".count)
            let messages = rest.hasSuffix("/messages")
            if messages { rest = rest.dropLast("/messages".count) }
            exchange.route = messages ? "/api/queues/{name}/messages" : "/api/queues/{name}"
            let (response, ticket) = QueuesAPI(store: server.queues).handle(request, name: URLEncoding.decode(rest), messages: messages)
            guard let ticket else { return exchange.respond(response) }
            let bound = LoopBound(exchange, on: exchange.loop)
            server.queues.afterDurable(ticket) { bound.loop.execute { bound.value.respond(response) } }
        case ("GET", "/api"), ("HEAD", "/api"), ("GET", "/api/"), ("HEAD", "/api/"):
            exchange.route = "/api"
            exchange.respond(AdminResponse.json(["endpoints": Self.endpoints]))
        case (_, "/api/state"), (_, "/metrics"), (_, "/api"), (_, "/api/"):
            exchange.route = path == "/api/" ? "/api" : String(path)
            exchange.respond(AdminResponse.error(405, "method \(request.method) not allowed", field: "method",
                                                 headers: ["Allow": "GET, HEAD"]))
        default:
            exchange.respond(AdminResponse.error(404, "no admin route for \(path)", field: "path"))
        }
    }

    /// The dashboard's files (both admin planes); without a `Public/` folder, `/` lists the API instead.
    static func serveFile(_ exchange: Exchange, files: StaticFiles?, endpoints: [String]) {
        let request = exchange.request
        exchange.route = "static"
        guard request.method == "GET" || request.method == "HEAD" else {
            return exchange.respond(AdminResponse.error(405, "method \(request.method) not allowed", field: "method",
                                                        headers: ["Allow": "GET, HEAD"]))
        }
        guard let files else {
            guard request.path == "/" else {
                return exchange.respond(AdminResponse.error(404, "no admin route for \(request.path) (no dashboard folder: set admin.public_dir)",
                                                            field: "path"))
            }
            return exchange.respond(AdminResponse.json(["endpoints": endpoints]))
        }
        exchange.respond(files.response(for: request))
    }
}

/// JSON answers of the admin API, errors as `{"error":…,"field":…}` (PRODUCT.md, Conventions).
enum AdminResponse {
    static func json<T: Encodable>(_ value: T, status: Int = 200) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body = (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
        body.append(UInt8(ascii: "\n"))
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// 401 for a missing or wrong bearer token.
    static var unauthorized: HTTPResponse {
        error(401, "missing or wrong bearer token", field: "Authorization",
              headers: ["WWW-Authenticate": #"Bearer realm="understudy""#])
    }

    static func error(_ status: Int, _ message: String, field: String? = nil, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var line = JSONLine()
        line.add("error", message)
        if let field { line.add("field", field) }
        var response = HTTPResponse(status: status, headers: headers, body: line.finish())
        response.headers.set("Content-Type", "application/json")
        return response
    }
}
