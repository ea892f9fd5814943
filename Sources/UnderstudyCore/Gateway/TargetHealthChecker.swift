import Dispatch
import UnderstudyHTTP
import UnderstudyNet

/// Health-checks every registered target as an ALB target group does (Health checks for
/// your target groups): an HTTP GET of the path every interval from registration, "each
/// health check request is independent and the result lasts for the entire interval", on
/// a connection closed after each check, `User-Agent: ELB-HealthChecker/2.0`. Results go
/// to the `TargetGroup`; each transition is logged. Runs on its own loop, which owns it.
final class TargetHealthChecker {
    private let loop: EventLoop
    private let group: TargetGroup
    private let settings: GatewayHealthCheckConfig
    private let matcher: StatusMatcher
    private let output: OutputWriter
    private var scheduled: [UInt64: TimerHandle] = [:]
    private var inFlight: [ObjectIdentifier: HTTPClientConnection] = [:]

    /// Checks speak TLS when the targets do (ALB checks with the target group's protocol).
    private let tls: TLSContext?

    init(loop: EventLoop, group: TargetGroup, settings: GatewayHealthCheckConfig, output: OutputWriter, tls: TLSContext? = nil) {
        self.loop = loop
        self.tls = tls
        self.group = group
        self.settings = settings
        matcher = (try? StatusMatcher(parsing: settings.matcher)) ?? StatusMatcher([200...200])
        self.output = output
    }

    /// Starts checking target `id` now, then every interval (a no-op if it is checked already).
    func watch(_ id: UInt64) {
        guard scheduled[id] == nil else { return }
        check(id, due: loop.now)
    }

    /// Stops checking target `id` (draining or removed).
    func unwatch(_ id: UInt64) {
        if let timer = scheduled.removeValue(forKey: id) { loop.cancel(timer) }
    }

    func stopAll() {
        for timer in scheduled.values { loop.cancel(timer) }
        scheduled = [:]
        for connection in inFlight.values { connection.close() }
        inFlight = [:]
    }

    private func check(_ id: UInt64, due: UInt64) {
        guard let target = group.checkable().first(where: { $0.id == id }) else {
            scheduled[id] = nil
            return
        }
        // "The time that it takes for the target to respond does not affect the interval for
        // the next health check request": the next one is due an interval after this one.
        let next = due &+ settings.interval.duration.nanoseconds
        scheduled[id] = loop.schedule(at: max(next, loop.now)) { [weak self] in self?.check(id, due: next) }
        guard let address = target.address else { return resolve(id, name: target.name) }
        let connection = HTTPClientConnection(loop: loop, address: address, tls: tls)
        let key = ObjectIdentifier(connection)
        inFlight[key] = connection
        let url = ClientURL(host: address.host, port: address.port, target: settings.path)
        connection.send(ClientRequest(url: url, userAgent: "ELB-HealthChecker/2.0"), timeout: settings.timeout.duration) { [weak self] outcome in
            // "After each health check is completed, the load balancer node closes the connection."
            connection.close()
            guard let self else { return }
            inFlight[key] = nil
            record(outcome, for: id)
        }
    }

    /// A target named by a host that did not resolve yet (a container not started): resolved
    /// off the loop; the check counts as failed meanwhile.
    private func resolve(_ id: UInt64, name: String) {
        let group = self.group
        let bound = LoopBound(Weak(self), on: loop)
        DispatchQueue.global().async {
            let resolved = try? ListenAddress(parsing: name)
            let address = resolved.flatMap { try? SocketAddress(resolving: $0) }
            if let address { group.setAddress(address, for: id) }
            bound.loop.execute {
                guard address == nil, let checker = bound.value.object else { return }
                checker.apply(passed: false, failure: ("Target.FailedHealthChecks", "Health checks failed"),
                              outcome: "cannot resolve \(name)", for: id)
            }
        }
    }

    private func record(_ outcome: ClientOutcome, for id: UInt64) {
        switch outcome.result {
        case .response(let response):
            let passed = matcher.matches(response.status)
            apply(passed: passed,
                  failure: passed ? nil : ("Target.ResponseCodeMismatch", "Health checks failed with these codes: [\(response.status)]"),
                  outcome: String(response.status), for: id)
        case .failed(.timeout):
            apply(passed: false, failure: ("Target.Timeout", "Request timed out"), outcome: "timeout", for: id)
        case .failed(let failure):
            apply(passed: false, failure: ("Target.FailedHealthChecks", "Health checks failed"), outcome: failure.description, for: id)
        case .connected:
            apply(passed: true, failure: nil, outcome: "connected", for: id)
        }
    }

    private func apply(passed: Bool, failure: (reason: String, description: String)?, outcome: String, for id: UInt64) {
        guard let (name, transition) = group.recordCheck(id, passed: passed, failure: failure, outcome: outcome) else { return }
        var line = JSONLine()
        line.add("event", "target_health_changed")
        line.add("target", name)
        line.add("from", transition.from.rawValue)
        line.add("to", transition.to.rawValue)
        line.add("consecutive", transition.consecutive)
        if let failure, transition.to == .unhealthy {
            line.add("reason", failure.reason)
            line.add("last_check", outcome)
        }
        output.writeLine(line)
    }
}
