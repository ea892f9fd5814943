import UnderstudyNet

/// The gateway's registered targets, their health and their requests in flight, shared by
/// every loop under one lock: registration (the admin API, start-up), routing (each
/// request takes a target and gives it back), health-check results, deregistration.
final class TargetGroup: Sendable {
    /// A target chosen for one request; give it back with `release`.
    struct Pick {
        let id: UInt64
        let name: String
        let address: SocketAddress
    }

    private struct Target {
        let id: UInt64
        let name: String
        var address: SocketAddress?
        var state = TargetHealthState.initial
        var machine: ProbeHealthMachine
        var reason: String? = "Elb.InitialHealthChecking"
        var description: String? = "Initial health checks in progress"
        var inFlight = 0
        var requests = 0
        var lastCheck: String?
    }

    private struct State {
        var targets: [Target] = []
        var cursor = 0
        var nextID: UInt64 = 1
    }

    let routing: GatewayRouting
    private let healthyThreshold: Int
    private let unhealthyThreshold: Int
    private let state = Locked(State())

    init(routing: GatewayRouting, healthyThreshold: Int, unhealthyThreshold: Int) {
        self.routing = routing
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
    }

    /// Registers `name` (`host:port`); a target already registered and not draining keeps
    /// its state (`isNew` false). A draining one is registered anew, in `initial`, as ALB does.
    func register(_ name: String, address: SocketAddress?) -> (id: UInt64, isNew: Bool) {
        state.withLock { state in
            if let existing = state.targets.first(where: { $0.name == name && $0.state != .draining }) {
                return (existing.id, false)
            }
            let id = state.nextID
            state.nextID += 1
            // ALB: "After your target is registered, it must pass one health check to be considered healthy."
            let machine = ProbeHealthMachine(healthyThreshold: healthyThreshold, unhealthyThreshold: unhealthyThreshold,
                                             initialHealthyThreshold: 1)
            state.targets.append(Target(id: id, name: name, address: address, machine: machine))
            return (id, true)
        }
    }

    /// Starts draining the registered target `name`: no new requests from now on. Returns
    /// its id, or nil when no such target is registered (or it is draining already).
    func deregister(_ name: String) -> UInt64? {
        state.withLock { state in
            guard let index = state.targets.firstIndex(where: { $0.name == name && $0.state != .draining }) else { return nil }
            state.targets[index].state = .draining
            state.targets[index].reason = "Target.DeregistrationInProgress"
            state.targets[index].description = "Target deregistration is in progress"
            return state.targets[index].id
        }
    }

    /// Forgets a target whose deregistration delay has run out.
    func remove(_ id: UInt64) {
        state.withLock { state in state.targets.removeAll { $0.id == id } }
    }

    func setAddress(_ address: SocketAddress, for id: UInt64) {
        state.withLock { state in
            if let index = state.targets.firstIndex(where: { $0.id == id }) { state.targets[index].address = address }
        }
    }

    /// A target for one request, by the routing algorithm, among healthy targets; with
    /// none healthy, among all registered ones (ALB's fail-open: "If a target group contains
    /// only unhealthy registered targets, the load balancer routes requests to all those
    /// targets, regardless of their health status"; its minimum of healthy targets is 1,
    /// so targets still in `initial` count as not healthy). Nil: no registered target (503).
    func pick() -> Pick? {
        state.withLock { state in
            // Without allocating: count the candidates, then walk to the chosen one.
            let anyHealthy = state.targets.contains { $0.state == .healthy && $0.address != nil }
            func isCandidate(_ target: Target) -> Bool {
                target.address != nil && (anyHealthy ? target.state == .healthy : target.state != .draining)
            }
            var fewest = Int.max
            var count = 0
            for target in state.targets where isCandidate(target) {
                switch routing {
                case .roundRobin:
                    count += 1
                case .leastOutstandingRequests:
                    if target.inFlight < fewest { fewest = target.inFlight; count = 1 } else if target.inFlight == fewest { count += 1 }
                }
            }
            guard count > 0 else { return nil }
            // round robin: "routes requests evenly across healthy targets in the target group,
            // in a sequential order"; least outstanding requests: "routes requests to the
            // targets with the lowest number of in progress requests", ties in turn.
            var remaining = state.cursor % count
            state.cursor &+= 1
            for index in state.targets.indices where isCandidate(state.targets[index])
                && (routing == .roundRobin || state.targets[index].inFlight == fewest) {
                if remaining > 0 {
                    remaining -= 1
                    continue
                }
                state.targets[index].inFlight += 1
                state.targets[index].requests += 1
                let target = state.targets[index]
                return Pick(id: target.id, name: target.name, address: target.address!)
            }
            return nil
        }
    }

    /// A request taken with `pick` has finished (answered, failed or abandoned).
    func release(_ id: UInt64) {
        state.withLock { state in
            if let index = state.targets.firstIndex(where: { $0.id == id }) { state.targets[index].inFlight -= 1 }
        }
    }

    /// Records one health check of target `id`; returns the transition it caused, with the
    /// target's name, if it moved. Draining and removed targets ignore late results.
    func recordCheck(_ id: UInt64, passed: Bool, failure: (reason: String, description: String)?,
                     outcome: String) -> (name: String, transition: ProbeTransition)? {
        state.withLock { state in
            guard let index = state.targets.firstIndex(where: { $0.id == id }), state.targets[index].state != .draining else {
                return nil
            }
            state.targets[index].lastCheck = outcome
            guard let transition = state.targets[index].machine.record(passed: passed) else {
                if state.targets[index].state == .unhealthy, let failure {
                    state.targets[index].reason = failure.reason
                    state.targets[index].description = failure.description
                }
                return nil
            }
            let next: TargetHealthState = transition.to == .healthy ? .healthy : .unhealthy
            state.targets[index].state = next
            state.targets[index].reason = next == .healthy ? nil : failure?.reason
            state.targets[index].description = next == .healthy ? nil : failure?.description
            return (state.targets[index].name, transition)
        }
    }

    /// Every registered target, in registration order.
    func snapshot() -> [TargetStatus] {
        state.withLock { state in
            state.targets.map {
                TargetStatus(target: $0.name, state: $0.state, reason: $0.reason, description: $0.description,
                             inFlight: $0.inFlight, requests: $0.requests, lastCheck: $0.lastCheck)
            }
        }
    }

    /// Target ids to health-check: registered and not draining.
    func checkable() -> [(id: UInt64, name: String, address: SocketAddress?)] {
        state.withLock { state in
            state.targets.filter { $0.state != .draining }.map { ($0.id, $0.name, $0.address) }
        }
    }
}
