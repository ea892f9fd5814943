import Synchronization

/// Counters one loop updates and the admin plane reads: connections by state, worker slots
/// by state, requests served, bytes moved. Each loop has its own, so updates never contend
/// across cores.
public final class LoopStats: Sendable {
    /// Open connections by the state they are in.
    let connections = StateCounters()
    /// Worker slots held by this loop's connections, by the state of their holder.
    let slots = StateCounters()
    private let openConnections = Atomic<Int>(0)
    private let requests = Atomic<Int>(0)
    private let received = Atomic<Int>(0)
    private let sent = Atomic<Int>(0)

    public init() {}

    func move(from old: ConnectionState?, to new: ConnectionState?) {
        connections.move(from: old, to: new)
    }

    func connectionOpened() { openConnections.add(1, ordering: .relaxed) }
    func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }
    func requestServed(received bytesIn: Int, sent bytesOut: Int) {
        requests.add(1, ordering: .relaxed)
        received.add(bytesIn, ordering: .relaxed)
        sent.add(bytesOut, ordering: .relaxed)
    }

    public var open: Int { openConnections.load(ordering: .relaxed) }
    public var requestsServed: Int { requests.load(ordering: .relaxed) }
    public var bytesReceived: Int { received.load(ordering: .relaxed) }
    public var bytesSent: Int { sent.load(ordering: .relaxed) }
    public func count(_ state: ConnectionState) -> Int { connections.count(state) }
}

/// One counter per `ConnectionState`, moved as a holder changes state.
final class StateCounters: Sendable {
    private let reading = Atomic<Int>(0)
    private let processing = Atomic<Int>(0)
    private let delayed = Atomic<Int>(0)
    private let writing = Atomic<Int>(0)
    private let keepAliveIdle = Atomic<Int>(0)

    func move(from old: ConnectionState?, to new: ConnectionState?) {
        guard old != new else { return }
        if let old { adjust(old, by: -1) }
        if let new { adjust(new, by: 1) }
    }

    func count(_ state: ConnectionState) -> Int {
        switch state {
        case .reading: reading.load(ordering: .relaxed)
        case .processing: processing.load(ordering: .relaxed)
        case .delayed: delayed.load(ordering: .relaxed)
        case .writing: writing.load(ordering: .relaxed)
        case .keepAliveIdle: keepAliveIdle.load(ordering: .relaxed)
        }
    }

    private func adjust(_ state: ConnectionState, by delta: Int) {
        switch state {
        case .reading: reading.add(delta, ordering: .relaxed)
        case .processing: processing.add(delta, ordering: .relaxed)
        case .delayed: delayed.add(delta, ordering: .relaxed)
        case .writing: writing.add(delta, ordering: .relaxed)
        case .keepAliveIdle: keepAliveIdle.add(delta, ordering: .relaxed)
        }
    }
}
