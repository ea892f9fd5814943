import UnderstudyHTTP
import UnderstudyNet

/// What the gateway keeps on one client loop: the shared target group, this loop's target
/// connections, and per-loop generators. Its `handle` is the plane's request handler.
/// Owned by its loop.
final class GatewayLoop {
    let loop: EventLoop
    let group: TargetGroup
    let pool: TargetPool
    /// The listener's port and address when there is one listener (else asked per request).
    let onlyListener: SocketAddress?
    var traceIDs = TraceIDGenerator()

    init(loop: EventLoop, group: TargetGroup, config: GatewayConfig, listeners: [SocketAddress], targetTLS: TLSContext? = nil) {
        self.loop = loop
        self.group = group
        onlyListener = listeners.count == 1 ? listeners[0] : nil
        pool = TargetPool(loop: loop, idleTimeout: config.idleTimeout.duration, connectTimeout: config.connectTimeout.duration,
                          targetIdleTimeout: config.effectiveTargetIdleTimeout, targetTLS: targetTLS)
    }

    /// Forwards one client request to a target chosen by the group, or answers 503.
    func handle(_ exchange: Exchange) {
        let request = exchange.request
        let listener = onlyListener ?? SocketAddress(localOf: exchange.connection?.stream.fileDescriptor ?? -1)
        let listenerPort = listener.port
        let epochSeconds = WallClock.epochSeconds()
        let traceID = traceIDs.header(forClientValue: request.headers["X-Amzn-Trace-Id"], epochSeconds: epochSeconds)
        let host = request.headers["Host"] ?? "-"
        var record = ProxyRecord(traceID: traceID, method: request.method, host: host, listenerPort: listenerPort,
                                 requestTarget: request.target, version: request.version == .http1_1 ? "HTTP/1.1" : request.version.description,
                                 userAgent: request.headers["User-Agent"], createdAt: WallClock.epochNanoseconds())
        record.scheme = exchange.scheme
        exchange.route = "proxy"
        guard let pick = group.pick() else {
            record.cause = .noTargets
            exchange.proxyRecord = record
            return exchange.respond(GatewayErrorPage.response(for: .noTargets))
        }
        record.target = pick.name
        exchange.proxyRecord = record
        let forwarded = ForwardedRequest.bytes(for: request, streamedBody: exchange.streamedBodyFraming, .init(
            clientIP: ForwardedRequest.host(of: exchange.remoteAddress), scheme: record.scheme, listenerPort: listenerPort,
            traceID: traceID, fallbackHost: listener.description))
        let proxied = ProxiedRequest(exchange: exchange, pick: pick, gateway: self)
        proxied.start(forwarded)
    }
}
