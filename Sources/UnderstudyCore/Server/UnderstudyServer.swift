import Dispatch
import Logging
import UnderstudyNet

/// The `serve` role: the data plane on one loop per available CPU, the admin plane on a
/// loop of its own (so the data plane's load or limits never starve it), shared run-time
/// state (health), metrics, and the SIGTERM drain sequence.
public final class UnderstudyServer: Sendable {
    public let config: UnderstudyConfig
    public let dataPlane: HTTPPlane
    public let adminPlane: HTTPPlane
    public let health: HealthState
    public let faults: FaultRuleSet
    public let queues: QueueStore
    public let metrics: ServerMetrics
    /// The admin plane's event stream (`GET /api/events`).
    public let events: EventHub
    let dataLoops: [EventLoop]
    let adminLoop: EventLoop
    let output: OutputWriter
    let logger: Logger
    let startedAt = ContinuousClock.now
    let lifecycle = Locked(ServerLifecycle.created)

    /// Binds every listener; nothing is served until `start`. Throws if any bind fails.
    public init(config: UnderstudyConfig, output: OutputWriter = .standardOutput,
                logger: Logger = Logger(label: "understudy")) throws {
        self.config = config
        self.output = output
        self.logger = logger
        metrics = ServerMetrics(hasWorkerLimit: config.server.workers > 0)
        events = EventHub(settings: .init(config.admin.events))
        let loopCount = config.server.loops > 0 ? config.server.loops : SystemLimits.availableCPUs()
        var loops: [EventLoop] = []
        for index in 0..<loopCount { loops.append(try EventLoop(name: "data-\(index)")) }
        dataLoops = loops
        adminLoop = try EventLoop(name: "admin", readBufferSize: 16 * 1024)
        health = HealthState(configured: .init(status: config.health.status, body: config.health.body,
                                               contentType: config.health.contentType,
                                               delay: config.health.delay.duration))
        do {
            faults = try FaultRuleSet(config: config.faults)
        } catch {
            // The config loader validates rules first; only a model built in code gets here.
            logger.error("faults.rules\(error.field.hasPrefix("[") ? "" : ".")\(error.field): \(error.reason); no rules loaded")
            faults = FaultRuleSet(maxDelay: config.faults.maxDelay.duration, clientHeaders: config.faults.clientHeaders)
        }
        queues = try Self.makeQueueStore(config.sqs, logger: logger)
        let openFileLimit = SystemLimits.raiseOpenFileLimit()
        let tls = config.tls.isUsed ? try config.tls.makeContext() : nil
        dataPlane = try HTTPPlane(settings: .dataPlane(config, openFileLimit: openFileLimit),
                                  addresses: config.server.listen, tlsAddresses: config.tls.listen, tls: tls,
                                  backlog: config.server.backlog, loops: loops)
        do {
            let adminTLS = config.tls.admin ? tls : nil
            adminPlane = try HTTPPlane(settings: .adminPlane(config), addresses: adminTLS == nil ? [config.admin.listen] : [],
                                       tlsAddresses: [config.admin.listen], tls: adminTLS, backlog: 128, loops: [adminLoop])
        } catch {
            dataPlane.listeners.forEach { $0.close() }
            throw error
        }
    }

    /// Starts the loops and planes, then prints one `listening` line per listener.
    public func start() {
        lifecycle.withLock { $0 = .serving }
        for loop in dataLoops { loop.start() }
        adminLoop.start()
        let onError: @Sendable (SocketError) -> Void = { [logger] error in logger.error("\(error)") }
        let metrics = self.metrics
        let output = self.output
        let routes = DataPlaneRoutes(health: HealthEndpoints(state: health, shared: dataPlane.shared),
                                     httpbin: HTTPBinSettings(config: config))
        let faults = self.faults
        let sqs = SQSEndpoint(store: queues, verifier: config.sqs.verifySignatures
            ? SigV4Verifier(credentials: Dictionary(config.sqs.credentials.map { ($0.accessKeyID, $0.secretAccessKey) },
                                                    uniquingKeysWith: { _, last in last }))
            : nil)
        let events = self.events
        let loopCount = dataLoops.count
        dataPlane.start(makeHandler: { _ in
                            let gate = FaultGate(rules: faults)
                            let route: RequestHandler = routes.handle
                            return { exchange in
                                if SQSEndpoint.claims(exchange.request) { return sqs.handle(exchange, gate: gate) }
                                gate.apply(to: exchange, then: route)
                            }
                        },
                        makeObserver: { loop in
                            RequestRecorder(loop: loop, output: output, logsAccess: self.config.log.access,
                                            metrics: metrics.makeRecorder(),
                                            events: LiveEventRecorder(hub: events, loops: loopCount))
                        }, onError: onError)
        let files = StaticFiles.locate(configured: config.admin.publicDir)
        if files == nil { logger.warning("no dashboard folder (Public/ with an index.html) found; set admin.public_dir") }
        adminPlane.start(makeHandler: { _ in AdminRoutes(server: self, token: self.config.admin.token, files: files).handle },
                         makeObserver: { loop in
                             RequestRecorder(loop: loop, output: output, logsAccess: false, metrics: metrics.makeRecorder())
                         }, onError: onError)
        adminLoop.execute { [adminLoop, dataPlane, queues] in
            LiveEventTicker(hub: events, loop: adminLoop, plane: dataPlane, queues: queues).start()
        }
        for (plane, socket, isTLS) in listeners {
            var line = JSONLine()
            line.add("event", "listening")
            line.add("plane", plane)
            line.add("address", socket.boundAddress.description)
            line.add("scheme", isTLS ? "https" : "http")
            output.writeLine(line)
        }
    }

    /// Every listener with its plane name and whether it speaks TLS, data plane first.
    public var listeners: [(plane: String, socket: ListeningSocket, isTLS: Bool)] {
        zip(dataPlane.listeners, dataPlane.listenerTLS).map { ("data", $0, $1 != nil) }
            + zip(adminPlane.listeners, adminPlane.listenerTLS).map { ("admin", $0, $1 != nil) }
    }

    func renderMetrics() -> [UInt8] {
        metrics.render(planes: [("data", dataPlane), ("admin", adminPlane)]) + Array(queues.renderMetrics().utf8)
    }

    /// Stops at once: closes listeners and connections, stops the loops and waits for them.
    /// Call it from outside the loops (it waits for them).
    public func stop() {
        precondition(!(dataLoops + [adminLoop]).contains { $0.inLoop }, "stop() called on a loop")
        let done = DispatchSemaphore(value: 0)
        for plane in [dataPlane, adminPlane] {
            plane.stopAccepting { plane.closeAllConnections { done.signal() } }
        }
        done.wait()
        done.wait()
        for loop in dataLoops + [adminLoop] { loop.stop() }
        for loop in dataLoops + [adminLoop] { loop.waitUntilStopped() }
        queues.close()
        lifecycle.withLock { $0 = .stopped }
    }
}

extension ConnectionSettings {
    static func dataPlane(_ config: UnderstudyConfig, openFileLimit: Int) -> ConnectionSettings {
        var settings = ConnectionSettings(plane: "data")
        let server = config.server
        settings.limits = .init(requestLine: server.limits.requestLine.bytes, headerBytes: server.limits.headerBytes.bytes,
                                headerFields: server.limits.headerFields, bodyBytes: server.limits.bodyBytes.bytes)
        settings.keepAliveEnabled = server.keepAlive.enabled
        settings.keepAliveTimeout = server.keepAlive.timeout.duration
        settings.maxRequests = server.keepAlive.maxRequests
        settings.headerTimeout = server.timeouts.header.duration
        settings.bodyTimeout = server.timeouts.body.duration
        settings.writeTimeout = server.timeouts.write.duration
        settings.maxConnections = server.limits.connections > 0 ? server.limits.connections : openFileLimit
        settings.model = server.model
        settings.workers = server.workers
        settings.asyncFactor = server.event.asyncFactor
        // Apache sets TCP_DEFER_ACCEPT to 30 s for `AcceptFilter http data` (server/listen.c).
        settings.deferAccept = server.deferAccept ? .seconds(30) : nil
        settings.logsAccess = config.log.access
        settings.compression = CompressionPolicy(config.compression, decodedBodyLimit: settings.limits.bodyBytes)
        settings.handshakeTimeout = config.tls.handshakeTimeout.duration
        return settings
    }

    /// The admin plane keeps its own generous policy: never subject to the data plane's limits.
    static func adminPlane(_ config: UnderstudyConfig) -> ConnectionSettings {
        var settings = ConnectionSettings(plane: "admin")
        settings.maxRequests = 0
        settings.logsAccess = false
        settings.compression = CompressionPolicy(config.compression, decodedBodyLimit: settings.limits.bodyBytes)
        settings.handshakeTimeout = config.tls.handshakeTimeout.duration
        return settings
    }
}
