import Prometheus
import UnderstudyNet

/// The gateway's metrics in a registry of its own, shown at its admin plane's `/metrics`:
/// requests by the status the client got and the target's, the answers the gateway made
/// itself by cause, and each registered target's health and requests in flight.
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let causeCounters: [ProxyCause: Counter]
    private let requestCounters = Locked<[String: Counter]>([:])
    private let targetGauges = Locked<[String: (healthy: Gauge, inFlight: Gauge)]>([:])
    private let stateGauges: [TargetHealthState: Gauge]

    init() {
        var counters: [ProxyCause: Counter] = [:]
        for cause in ProxyCause.allCases {
            counters[cause] = registry.makeCounter(descriptor: Self.named("understudy_gateway_errors_total", "Answers the gateway made itself (or 460 logged), by ALB's documented cause"), labels: [("cause", cause.rawValue), ("status", String(cause.status))])
        }
        causeCounters = counters
        var states: [TargetHealthState: Gauge] = [:]
        for state in [TargetHealthState.initial, .healthy, .unhealthy, .draining] {
            states[state] = registry.makeGauge(descriptor: Self.named("understudy_gateway_targets", "Registered targets by health state"), labels: [("state", state.rawValue)])
        }
        stateGauges = states
    }

    /// A metric's full name and help text (swift-prometheus joins non-empty name parts).
    private static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The counter of requests with these statuses (`targetStatus` nil: `-`, no response);
    /// loops cache what this returns.
    func requestCounter(elbStatus: Int, targetStatus: Int?) -> Counter {
        let key = "\(elbStatus) \(targetStatus.map(String.init) ?? "-")"
        return requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let made = registry.makeCounter(descriptor: Self.named("understudy_gateway_requests_total", "Requests by the status the client got and the status the target sent"), labels: [("elb_status_code", String(elbStatus)), ("target_status_code", targetStatus.map(String.init) ?? "-")])
            counters[key] = made
            return made
        }
    }

    func recordCause(_ cause: ProxyCause) {
        causeCounters[cause]?.increment()
    }

    /// Refreshes the target gauges (series of targets no longer registered are dropped), then renders.
    func render(targets: [TargetStatus]) -> [UInt8] {
        for (state, gauge) in stateGauges { gauge.set(Int64(targets.filter { $0.state == state }.count)) }
        targetGauges.withLock { gauges in
            let names = Set(targets.map(\.target))
            for (name, pair) in gauges where !names.contains(name) {
                registry.unregisterGauge(pair.healthy)
                registry.unregisterGauge(pair.inFlight)
                gauges[name] = nil
            }
            for target in targets {
                let pair = gauges[target.target] ?? (
                    registry.makeGauge(descriptor: Self.named("understudy_gateway_target_healthy", "1 when the target passes its health checks, else 0"), labels: [("target", target.target)]),
                    registry.makeGauge(descriptor: Self.named("understudy_gateway_target_in_flight_requests", "Requests sent to the target and not finished"), labels: [("target", target.target)]))
                gauges[target.target] = pair
                pair.healthy.set(Int64(target.state == .healthy ? 1 : 0))
                pair.inFlight.set(Int64(target.inFlight))
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
