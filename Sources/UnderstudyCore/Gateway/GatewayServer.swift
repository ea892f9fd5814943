import Dispatch
import Logging
import UnderstudyHTTP
import UnderstudyNet

/// The `gateway` role: client connections on one loop per CPU (the server core, with the
/// idle timeout as every client-side deadline), target connections pooled per loop, the
/// target group and its health checks on a loop of their own, and an admin plane (targets,
/// state, metrics) on another. Sockets are bound when `init` returns.
public final class GatewayServer: Sendable {
    public let config: GatewayConfig
    public let plane: HTTPPlane
    public let adminPlane: HTTPPlane
    let group: TargetGroup
    let metrics = GatewayMetrics()
    /// The admin plane's event stream (`GET /api/events`).
    public let events: EventHub
    let identity: GatewayAccessLog.Identity
    let loops: [EventLoop]
    let healthLoop: EventLoop
    let adminLoop: EventLoop
    let output: OutputWriter
    let logger: Logger
    private let checker: LoopBound<TargetHealthChecker>
    /// The client side of TLS to targets (`target_protocol: https`).
    let targetTLS: TLSContext?
    private let pools = Locked<[ObjectIdentifier: LoopBound<TargetPool>]>([:])

    public init(config: GatewayConfig, output: OutputWriter = .standardOutput,
                logger: Logger = Logger(label: "understudy.gateway")) throws {
        self.config = config
        self.output = output
        self.logger = logger
        events = EventHub(settings: .init(config.admin.events))
        let loopCount = config.loops > 0 ? config.loops : SystemLimits.availableCPUs()
        loops = try (0..<loopCount).map { try EventLoop(name: "gateway-\($0)") }
        healthLoop = try EventLoop(name: "gateway-health", readBufferSize: 16 * 1024)
        adminLoop = try EventLoop(name: "gateway-admin", readBufferSize: 16 * 1024)
        group = TargetGroup(routing: config.routing, healthyThreshold: config.healthCheck.healthyThreshold,
                            unhealthyThreshold: config.healthCheck.unhealthyThreshold)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let id = String(repeating: "0", count: 16 - suffix.count) + suffix
        identity = .init(loadBalancer: "app/understudy-gateway/\(id)",
                         targetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/understudy-gateway/\(id)")
        targetTLS = config.targetProtocol == .https ? try TLSContext(clientWithoutVerification: ()) : nil
        checker = LoopBound(TargetHealthChecker(loop: healthLoop, group: group, settings: config.healthCheck, output: output,
                                                tls: targetTLS), on: healthLoop)
        _ = SystemLimits.raiseOpenFileLimit()
        let tls = config.tls.isUsed ? try config.tls.makeContext(section: "gateway.tls") : nil
        plane = try HTTPPlane(settings: .gateway(config), addresses: config.listen, tlsAddresses: config.tls.listen, tls: tls,
                              backlog: 511, loops: loops)
        do {
            var adminSettings = ConnectionSettings(plane: "admin")
            adminSettings.maxRequests = 0
            adminSettings.logsAccess = false
            adminSettings.handshakeTimeout = config.tls.handshakeTimeout.duration
            let adminTLS = config.tls.admin ? tls : nil
            adminPlane = try HTTPPlane(settings: adminSettings, addresses: adminTLS == nil ? [config.admin.listen] : [],
                                       tlsAddresses: [config.admin.listen], tls: adminTLS, backlog: 128, loops: [adminLoop])
        } catch {
            plane.listeners.forEach { $0.close() }
            throw error
        }
    }

    /// Starts the loops, registers the configured targets (resolving their names, which may
    /// block: call it from the main thread), then prints one `listening` line per listener.
    public func start() {
        for loop in loops + [healthLoop, adminLoop] { loop.start() }
        let onError: @Sendable (SocketError) -> Void = { [logger] error in logger.error("\(error)") }
        let listeners = plane.listeners.map(\.boundAddress)
        let format: GatewayLogFormat? = config.log.access ? config.log.format : nil
        let events = self.events
        let loopCount = loops.count
        plane.start(makeHandler: { [self] loop in
                        let gateway = GatewayLoop(loop: loop, group: group, config: config, listeners: listeners, targetTLS: targetTLS)
                        pools.withLock { $0[ObjectIdentifier(loop)] = LoopBound(gateway.pool, on: loop) }
                        return gateway.handle
                    },
                    makeObserver: { [self] loop in
                        GatewayAccessLog(loop: loop, output: output, format: format, identity: identity, metrics: metrics,
                                         events: LiveEventRecorder(hub: events, loops: loopCount))
                    }, onError: onError)
        let files = StaticFiles.locate(configured: config.admin.publicDir, index: "gateway.html")
        if files == nil { logger.warning("no dashboard folder (Public/ with a gateway.html) found; set gateway.admin.public_dir") }
        adminPlane.start(makeHandler: { [self] _ in GatewayAdminRoutes(gateway: self, files: files).handle },
                         makeObserver: { _ in nil }, onError: onError)
        adminLoop.execute { [self] in
            LiveEventTicker(hub: events, loop: adminLoop, plane: plane, targets: { [weak self] in self?.targets() ?? [] }).start()
        }
        for target in config.targets { _ = register(target) }
        for (name, listeners) in [("gateway", plane), ("admin", adminPlane)].map({ ($0, zip($1.listeners, $1.listenerTLS)) }) {
            for (socket, tls) in listeners {
                var line = JSONLine()
                line.add("event", "listening")
                line.add("plane", name)
                line.add("address", socket.boundAddress.description)
                line.add("scheme", tls == nil ? "http" : "https")
                output.writeLine(line)
            }
        }
    }

    /// Registers `target` (ALB's RegisterTargets): resolves its name (blocking: never call
    /// it on a loop) and starts its health checks. False if it was registered already.
    @discardableResult
    public func register(_ target: ListenAddress) -> Bool {
        let address = try? SocketAddress(resolving: target)
        let (id, isNew) = group.register(target.description, address: address)
        guard isNew else { return false }
        let checker = self.checker
        healthLoop.execute { checker.value.watch(id) }
        var line = JSONLine()
        line.add("event", "target_registered")
        line.add("target", target.description)
        output.writeLine(line)
        return true
    }

    /// Deregisters `name` (ALB's DeregisterTargets): no new requests; in-flight ones have
    /// the deregistration delay to finish, then fail (502) and the target is forgotten.
    /// False when no such target is registered.
    public func deregister(_ name: String) -> Bool {
        guard let id = group.deregister(name) else { return false }
        let checker = self.checker
        let delay = config.deregistrationDelay.duration
        forEachPool { $0.retire(id) }
        healthLoop.execute { [self] in
            checker.value.unwatch(id)
            healthLoop.schedule(after: delay) { [self] in
                forEachPool { $0.remove(id) }
                group.remove(id)
                var line = JSONLine()
                line.add("event", "target_deregistered")
                line.add("target", name)
                output.writeLine(line)
            }
        }
        var line = JSONLine()
        line.add("event", "target_draining")
        line.add("target", name)
        output.writeLine(line)
        return true
    }

    public func targets() -> [TargetStatus] { group.snapshot() }

    private func forEachPool(_ body: @escaping @Sendable (TargetPool) -> Void) {
        for pool in pools.withLock({ Array($0.values) }) {
            pool.loop.execute { body(pool.value) }
        }
    }

    func renderMetrics() -> [UInt8] { metrics.render(targets: group.snapshot()) }

    /// Stops at once: listeners, connections, health checks, loops. Call it off the loops.
    public func stop() {
        precondition(!(loops + [healthLoop, adminLoop]).contains { $0.inLoop }, "stop() called on a loop")
        let done = DispatchSemaphore(value: 0)
        for plane in [plane, adminPlane] {
            plane.stopAccepting { plane.closeAllConnections { done.signal() } }
        }
        done.wait()
        done.wait()
        let checker = self.checker
        healthLoop.execute { checker.value.stopAll(); done.signal() }
        done.wait()
        for pool in pools.withLock({ Array($0.values) }) {
            pool.loop.execute { pool.value.closeAll(); done.signal() }
            done.wait()
        }
        for loop in loops + [healthLoop, adminLoop] { loop.stop() }
        for loop in loops + [healthLoop, adminLoop] { loop.waitUntilStopped() }
    }
}

extension ConnectionSettings {
    /// The client side of the gateway. ALB's idle timeout is every client deadline: a
    /// connection with no request for that long closes, and a request not complete within
    /// it is answered 408 ("The client did not send data before the idle timeout period
    /// expired"). No request limit per connection (ALB's keep-alive duration is an hour).
    static func gateway(_ config: GatewayConfig) -> ConnectionSettings {
        var settings = ConnectionSettings(plane: "gateway")
        let idle = config.idleTimeout.duration
        settings.keepAliveTimeout = idle
        settings.headerTimeout = idle
        settings.bodyTimeout = idle
        settings.writeTimeout = idle
        settings.maxRequests = 0
        settings.deadlinesAreIdle = true
        settings.maxConnectionAge = config.clientKeepalive.duration
        settings.streamsRequestBodies = true
        settings.deferAccept = nil
        settings.logsAccess = config.log.access
        settings.handshakeTimeout = config.tls.handshakeTimeout.duration
        return settings
    }
}
