import Synchronization

/// State every loop of one plane shares: connection ids, the open-connection count behind
/// `server.limits.connections`, and whether the server is draining.
public final class PlaneShared: Sendable {
    private let nextConnectionID = Atomic<UInt64>(1)
    private let open = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)

    public init() {}

    func makeConnectionID() -> UInt64 { nextConnectionID.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// Counts a new connection unless that would pass `limit` (0: no limit).
    func admitConnection(limit: Int) -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        if limit > 0 && now > limit {
            open.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnection() { open.wrappingSubtract(1, ordering: .relaxed) }

    public var openConnections: Int { open.load(ordering: .relaxed) }

    /// Set once on SIGTERM: health answers 503 and every response closes its connection.
    public var isDraining: Bool {
        get { draining.load(ordering: .relaxed) }
        set { draining.store(newValue, ordering: .relaxed) }
    }
}
