import CoreMetrics
import Prometheus
import UnderstudyNet

/// The server's metrics, registered once in its own Prometheus registry (so several
/// servers in one test process stay apart) and exposed at the admin plane's `/metrics`.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    let connectionGauges: [String: [ConnectionState: CoreMetrics.Gauge]]
    let openConnections: [String: CoreMetrics.Gauge]
    /// `understudy_worker_slots{state}`: the data plane's scoreboard (holder states and `free`);
    /// only with a worker limit (unlimited, "0 free" would read as starved).
    let workerSlots: [String: CoreMetrics.Gauge]
    let waitingRequests: CoreMetrics.Gauge?
    /// `understudy_listen_queue_connections{address}`, made at the first render (addresses are bound later).
    private let listenQueues = Locked<[String: CoreMetrics.Gauge]>([:])

    public init(planes: [String] = ["data", "admin"], hasWorkerLimit: Bool = false) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
        ]
        self.factory = factory
        var gauges: [String: [ConnectionState: CoreMetrics.Gauge]] = [:]
        var open: [String: CoreMetrics.Gauge] = [:]
        for plane in planes {
            var byState: [ConnectionState: CoreMetrics.Gauge] = [:]
            for state in ConnectionState.allCases {
                byState[state] = CoreMetrics.Gauge(label: "understudy_http_connections",
                                       dimensions: [("plane", plane), ("state", state.name)], factory: factory)
            }
            gauges[plane] = byState
            open[plane] = CoreMetrics.Gauge(label: "understudy_http_open_connections", dimensions: [("plane", plane)], factory: factory)
        }
        connectionGauges = gauges
        openConnections = open
        var slots: [String: CoreMetrics.Gauge] = [:]
        for state in ConnectionState.allCases.map(\.name) + ["free"] where hasWorkerLimit {
            slots[state] = CoreMetrics.Gauge(label: "understudy_worker_slots", dimensions: [("state", state)], factory: factory)
        }
        workerSlots = slots
        waitingRequests = hasWorkerLimit
            ? CoreMetrics.Gauge(label: "understudy_worker_waiting_requests", dimensions: [], factory: factory) : nil
    }

    /// The scoreboard (all zero without a worker limit) and each listener's accept queue.
    private func recordWorkers(_ plane: HTTPPlane) {
        for (state, count) in plane.slotCounts() { workerSlots[state.name]?.record(count) }
        let pool = plane.workers?.snapshot
        workerSlots["free"]?.record(pool.map { max(plane.settings.workers - $0.busy, 0) } ?? 0)
        waitingRequests?.record(pool?.waiting ?? 0)
        for socket in plane.listeners {
            guard let queue = socket.listenQueue() else { continue }
            let address = socket.boundAddress.description
            let gauge = listenQueues.withLock { gauges in
                if let gauge = gauges[address] { return gauge }
                let made = CoreMetrics.Gauge(label: "understudy_listen_queue_connections",
                                             dimensions: [("address", address)], factory: factory)
                gauges[address] = made
                return made
            }
            gauge.record(queue.queued)
        }
    }

    /// Per-loop handles, made once per label set and reused.
    func makeRecorder() -> RequestMetrics { RequestMetrics(factory: factory) }

    /// Refreshes the gauges from a plane's live counts, then renders the text format.
    public func render(planes: [(name: String, plane: HTTPPlane)]) -> [UInt8] {
        for (name, plane) in planes {
            for (state, count) in plane.connectionCounts() { connectionGauges[name]?[state]?.record(count) }
            openConnections[name]?.record(plane.openConnections)
        }
        if let data = planes.first(where: { $0.name == "data" })?.plane {
            recordWorkers(data)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// One loop's cache of request metric handles, keyed by their label values.
final class RequestMetrics {
    private struct Key: Hashable { var plane: String; var method: String; var route: String; var status: Int }
    private struct Handles { var requests: CoreMetrics.Counter; var duration: CoreMetrics.Timer }
    private let factory: PrometheusMetricsFactory
    private var handles: [Key: Handles] = [:]
    private var last: (key: Key, handles: Handles)?
    private var bytes: [String: (received: CoreMetrics.Counter, sent: CoreMetrics.Counter)] = [:]
    private var closes: [String: [CloseReason: CoreMetrics.Counter]] = [:]
    private var faults: [String: CoreMetrics.Counter] = [:]

    init(factory: PrometheusMetricsFactory) { self.factory = factory }

    /// The method label: a registered method, else `other` (labels stay a bounded set).
    private static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT": method
        default: "other"
        }
    }

    func record(_ request: CompletedRequest) {
        let method = Self.methodLabel(request.method)
        let key = Key(plane: request.plane, method: method, route: request.route, status: request.status)
        let entry: Handles
        if let last, last.key == key {
            entry = last.handles   // most traffic repeats one label set: skip hashing
        } else {
            entry = handles[key] ?? makeHandles(key)
            last = (key, entry)
        }
        entry.requests.increment()
        entry.duration.recordNanoseconds(Int64(clamping: request.durationNanoseconds))
        let byteCounters = bytes[request.plane] ?? makeByteCounters(request.plane)
        byteCounters.received.increment(by: request.bytesIn)
        byteCounters.sent.increment(by: request.bytesOut)
    }

    /// `understudy_http_connections_closed_total{plane,reason}`: why connections ended.
    func recordClose(plane: String, reason: CloseReason) {
        if let counter = closes[plane]?[reason] { return counter.increment() }
        let counter = CoreMetrics.Counter(label: "understudy_http_connections_closed_total",
                                          dimensions: [("plane", plane), ("reason", reason.rawValue)], factory: factory)
        closes[plane, default: [:]][reason] = counter
        counter.increment()
    }

    /// `understudy_fault_fired_total{rule}`: firings per fault rule (client headers count as
    /// the rules `X-Understudy-Delay` and `X-Understudy-Status`).
    func recordFault(rule: String) {
        if let counter = faults[rule] { return counter.increment() }
        let counter = CoreMetrics.Counter(label: "understudy_fault_fired_total", dimensions: [("rule", rule)], factory: factory)
        faults[rule] = counter
        counter.increment()
    }

    private func makeHandles(_ key: Key) -> Handles {
        let labels = [("plane", key.plane), ("method", key.method), ("route", key.route), ("status", String(key.status))]
        let made = Handles(
            requests: CoreMetrics.Counter(label: "understudy_http_requests_total", dimensions: labels, factory: factory),
            duration: CoreMetrics.Timer(label: "understudy_http_request_duration_seconds",
                            dimensions: [("plane", key.plane), ("route", key.route)], factory: factory))
        handles[key] = made
        return made
    }

    private func makeByteCounters(_ plane: String) -> (received: CoreMetrics.Counter, sent: CoreMetrics.Counter) {
        let made = (CoreMetrics.Counter(label: "understudy_http_received_bytes_total", dimensions: [("plane", plane)], factory: factory),
                    CoreMetrics.Counter(label: "understudy_http_sent_bytes_total", dimensions: [("plane", plane)], factory: factory))
        bytes[plane] = made
        return made
    }
}
