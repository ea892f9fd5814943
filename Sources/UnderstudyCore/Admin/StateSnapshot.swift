import CSSL
import CZlib

/// What `GET /api/state` answers: listeners, connections by state, requests served,
/// health, lifecycle and uptime.
struct StateSnapshot: Encodable {
    struct Listener: Encodable {
        var plane: String
        var address: String
    }

    struct Connections: Encodable {
        var open: Int
        var reading: Int
        var processing: Int
        var delayed: Int
        var writing: Int
        var keepaliveIdle: Int

        init(_ plane: HTTPPlane) {
            let counts = plane.connectionCounts()
            open = plane.openConnections
            reading = counts[.reading] ?? 0
            processing = counts[.processing] ?? 0
            delayed = counts[.delayed] ?? 0
            writing = counts[.writing] ?? 0
            keepaliveIdle = counts[.keepAliveIdle] ?? 0
        }

        enum CodingKeys: String, CodingKey {
            case open, reading, processing, delayed, writing
            case keepaliveIdle = "keepalive_idle"
        }
    }

    /// The worker scoreboard: slots by the state of their holder, as Apache's server-status
    /// shows them, requests waiting for one, and whether accepting is paused for lack of one.
    struct Workers: Encodable {
        var model: String
        /// 0: no limit (then the other counts stay 0).
        var slots: Int
        var busy: Int
        var free: Int?
        var reading: Int
        var processing: Int
        var delayed: Int
        var writing: Int
        var keepaliveIdle: Int
        var waitingRequests: Int
        var acceptingPaused: Bool

        init(_ plane: HTTPPlane) {
            let counts = plane.slotCounts()
            let pool = plane.workers?.snapshot
            model = plane.settings.model.rawValue
            slots = plane.settings.workers
            busy = pool?.busy ?? 0
            free = pool.map { max(plane.settings.workers - $0.busy, 0) }
            reading = counts[.reading] ?? 0
            processing = counts[.processing] ?? 0
            delayed = counts[.delayed] ?? 0
            writing = counts[.writing] ?? 0
            keepaliveIdle = counts[.keepAliveIdle] ?? 0
            waitingRequests = pool?.waiting ?? 0
            acceptingPaused = pool?.acceptingPaused ?? false
        }

        enum CodingKeys: String, CodingKey {
            case model, slots, busy, free, reading, processing, delayed, writing
            case keepaliveIdle = "keepalive_idle"
            case waitingRequests = "waiting_requests"
            case acceptingPaused = "accepting_paused"
        }
    }

    /// Connections the kernel completed that wait for `accept`, per data-plane listener
    /// (Linux `TCP_INFO`; `null` where the OS does not say). Deferred connections that have
    /// sent no byte yet (`server.defer_accept`) are not among them.
    struct ListenQueue: Encodable {
        var address: String
        var queued: Int?
        var limit: Int?
    }

    struct Traffic: Encodable {
        var requestsServed: Int
        var bytesIn: Int
        var bytesOut: Int

        enum CodingKeys: String, CodingKey {
            case requestsServed = "requests_served"
            case bytesIn = "bytes_in"
            case bytesOut = "bytes_out"
        }
    }

    var lifecycle: String
    var draining: Bool
    var uptimeSeconds: Double
    var loops: Int
    var listeners: [Listener]
    var connections: Connections
    var adminConnections: Connections
    var workers: Workers
    var listenQueues: [ListenQueue]
    var traffic: Traffic
    var health: HealthAnswerJSON
    var faults: [FaultStatus]
    var queues: [QueueSummary]
    var libraries: [String: String]

    /// A rule in force and how often it fired.
    struct FaultStatus: Encodable {
        var name: String
        var enabled: Bool
        var active: Bool
        var fired: Int
        var limit: Int?

        init(_ active: ActiveFaultRule) {
            name = active.rule.name
            enabled = active.rule.enabled
            self.active = active.isActiveNow
            fired = active.fired
            limit = active.rule.limit
        }
    }

    enum CodingKeys: String, CodingKey {
        case lifecycle, draining, loops, listeners, connections, workers, traffic, health, faults, queues, libraries
        case uptimeSeconds = "uptime_seconds"
        case listenQueues = "listen_queues"
        case adminConnections = "admin_connections"
    }
}

extension UnderstudyServer {
    func stateSnapshot() -> StateSnapshot {
        let uptime = ContinuousClock.now - startedAt
        var health = HealthAnswerJSON(self.health.answer)
        if dataPlane.shared.isDraining { health.status = 503 }
        return StateSnapshot(
            lifecycle: lifecycle.withLock { $0.rawValue },
            draining: dataPlane.shared.isDraining,
            uptimeSeconds: uptime.seconds,
            loops: dataLoops.count,
            listeners: listeners.map { .init(plane: $0.plane, address: $0.socket.boundAddress.description) },
            connections: .init(dataPlane),
            adminConnections: .init(adminPlane),
            workers: .init(dataPlane),
            listenQueues: dataPlane.listeners.map { socket in
                let queue = socket.listenQueue()
                return .init(address: socket.boundAddress.description, queued: queue?.queued, limit: queue?.limit)
            },
            traffic: .init(requestsServed: dataPlane.requestsServed, bytesIn: dataPlane.bytesReceived,
                           bytesOut: dataPlane.bytesSent),
            health: health,
            faults: faults.rules.map(StateSnapshot.FaultStatus.init),
            queues: queues.summaries(),
            libraries: ["openssl": String(cString: cssl_version()), "zlib": String(cString: czlib_version())])
    }
}
