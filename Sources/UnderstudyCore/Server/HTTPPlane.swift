import Dispatch
import Synchronization
import UnderstudyNet

/// One plane (data or admin): its listening sockets, on each of its loops an acceptor per
/// socket plus the loop's connections, and its worker slots when `settings.workers` limits
/// them. Sockets are bound and listening when `init` returns, so connects succeed from then on.
public final class HTTPPlane: Sendable {
    public let settings: ConnectionSettings
    public let listeners: [ListeningSocket]
    /// Per listener (same order), the TLS context its connections speak, nil for plain HTTP.
    public let listenerTLS: [TLSContext?]
    public let shared = PlaneShared()
    let loops: [EventLoop]
    let stats: [LoopStats]
    let workers: WorkerPool?
    private let perLoop: Locked<[ObjectIdentifier: LoopBound<PlaneOnLoop>]>

    /// Binds every address (plain HTTP), then every `tlsAddresses` one (HTTPS with `tls`);
    /// throws (closing what was bound) if one fails.
    public init(settings: ConnectionSettings, addresses: [ListenAddress], tlsAddresses: [ListenAddress] = [],
                tls: TLSContext? = nil, backlog: Int, loops: [EventLoop]) throws(SocketError) {
        var bound: [ListeningSocket] = []
        let tlsAddresses = tls == nil ? [] : tlsAddresses
        for address in addresses + tlsAddresses {
            do {
                bound.append(try ListeningSocket(address: address, backlog: backlog, deferAccept: settings.deferAccept))
            } catch {
                bound.forEach { $0.close() }
                throw error
            }
        }
        self.settings = settings
        self.listeners = bound
        listenerTLS = addresses.map { _ in nil } + tlsAddresses.map { _ in tls }
        self.loops = loops
        self.stats = loops.map { _ in LoopStats() }
        let perLoop = Locked<[ObjectIdentifier: LoopBound<PlaneOnLoop>]>([:])
        self.perLoop = perLoop
        workers = settings.workers <= 0 ? nil
            : WorkerPool(model: settings.model, slots: settings.workers, asyncFactor: settings.asyncFactor) { [weak perLoop] pool in
                // Weak: the loops' parts hold the pool, which holds this closure.
                guard let perLoop else { return }
                Self.forEachLoop(loops, perLoop, { $0.context.closeKeepAliveIdleConnections() }, then: { pool.sweepFinished() })
            }
    }

    /// Starts accepting on every loop. `makeHandler` and `makeObserver` run once per loop,
    /// on that loop.
    func start(makeHandler: @escaping @Sendable (EventLoop) -> RequestHandler,
                      makeObserver: @escaping @Sendable (EventLoop) -> RequestObserver?,
                      onError: @escaping @Sendable (SocketError) -> Void) {
        for (index, loop) in loops.enumerated() {
            let stats = stats[index]
            loop.execute { [self] in
                let context = LoopContext(loop: loop, settings: settings, handler: makeHandler(loop), stats: stats,
                                          shared: shared, observer: makeObserver(loop), workers: workers)
                let admitted = workers != nil
                let acceptors = zip(listeners, listenerTLS).map { socket, tls in
                    Acceptor(socket: socket, loop: loop, admission: workers, onError: onError) { [unowned context] stream in
                        context.adopt(tls.map { TLSStream(accepted: stream, context: $0) } ?? stream, admitted: admitted)
                    }
                }
                for acceptor in acceptors {
                    do throws(SocketError) { try acceptor.start() } catch { onError(error) }
                }
                let onLoop = PlaneOnLoop(context: context, acceptors: acceptors)
                perLoop.withLock { $0[ObjectIdentifier(loop)] = LoopBound(onLoop, on: loop) }
            }
        }
    }

    /// Stops accepting everywhere, then closes the sockets; `completion` runs after.
    public func stopAccepting(completion: @escaping @Sendable () -> Void = {}) {
        forEachLoop({ $0.acceptors.forEach { $0.stop() } }, then: { [listeners] in
            listeners.forEach { $0.close() }
            completion()
        })
    }

    /// Closes connections that sit between requests; busy ones close after their response.
    public func closeIdleConnections() {
        forEachLoop({ $0.context.closeIdleConnections() })
    }

    /// Closes every connection at once.
    public func closeAllConnections(completion: @escaping @Sendable () -> Void = {}) {
        forEachLoop({ $0.context.closeAll() }, then: completion)
    }

    /// Runs `body` on each loop with its part of the plane, then `completion` once all ran.
    private func forEachLoop(_ body: @escaping @Sendable (PlaneOnLoop) -> Void,
                             then completion: (@Sendable () -> Void)? = nil) {
        Self.forEachLoop(loops, perLoop, body, then: completion)
    }

    private static func forEachLoop(_ loops: [EventLoop], _ perLoop: Locked<[ObjectIdentifier: LoopBound<PlaneOnLoop>]>,
                                    _ body: @escaping @Sendable (PlaneOnLoop) -> Void,
                                    then completion: (@Sendable () -> Void)? = nil) {
        // Posted to every loop (not only those already set up): a loop runs its tasks in
        // order, so one posted after `start` finds its part there.
        let counter = SendableCounter(loops.count)
        for loop in loops {
            loop.execute {
                if let part = perLoop.withLock({ $0[ObjectIdentifier(loop)] }) { body(part.value) }
                if counter.decrement() == 0 { completion?() }
            }
        }
    }

    /// Worker slots by the state of their holder, summed over loops.
    func slotCounts() -> [ConnectionState: Int] {
        var counts: [ConnectionState: Int] = [:]
        for state in ConnectionState.allCases { counts[state] = stats.reduce(0) { $0 + $1.slots.count(state) } }
        return counts
    }

    /// Open connections by state, summed over loops.
    public func connectionCounts() -> [ConnectionState: Int] {
        var counts: [ConnectionState: Int] = [:]
        for state in ConnectionState.allCases { counts[state] = stats.reduce(0) { $0 + $1.count(state) } }
        return counts
    }

    public var openConnections: Int { stats.reduce(0) { $0 + $1.open } }
    public var requestsServed: Int { stats.reduce(0) { $0 + $1.requestsServed } }
    public var bytesReceived: Int { stats.reduce(0) { $0 + $1.bytesReceived } }
    public var bytesSent: Int { stats.reduce(0) { $0 + $1.bytesSent } }
}

/// The part of a plane living on one loop.
final class PlaneOnLoop {
    let context: LoopContext
    let acceptors: [Acceptor]
    init(context: LoopContext, acceptors: [Acceptor]) {
        self.context = context
        self.acceptors = acceptors
    }
}

/// Counts down from `count` across threads.
final class SendableCounter: Sendable {
    private let remaining: Atomic<Int>
    init(_ count: Int) { remaining = Atomic(count) }
    func decrement() -> Int { remaining.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue }
}
