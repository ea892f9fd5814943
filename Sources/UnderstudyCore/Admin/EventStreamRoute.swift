import Foundation
import UnderstudyHTTP
import UnderstudyNet

/// `GET /api/events`: one subscriber of the `EventHub`, as Server-Sent Events. The stream
/// writes what the hub holds for it whenever woken, and stops taking while its connection
/// has more than `outputMark` unsent bytes (the client is not reading); events then pile up
/// in the hub, which drops the subscriber past its backlog bound, and the connection is reset.
/// `?types=stats,request_completed` narrows the kinds; `Last-Event-ID` resumes.
final class EventStreamRoute {
    static let outputMark = 64 * 1024

    private let exchange: Exchange
    private let hub: EventHub
    private var subscriberID: UInt64 = 0
    private var isWaitingForDrain = false

    private init(exchange: Exchange, hub: EventHub) {
        self.exchange = exchange
        self.hub = hub
    }

    /// Answers `exchange` with the stream, or an error for a bad method or `types`.
    static func serve(_ exchange: Exchange, hub: EventHub) {
        let request = exchange.request
        guard request.method == "GET" else {
            return exchange.respond(AdminResponse.error(405, "method \(request.method) not allowed", field: "method",
                                                        headers: ["Allow": "GET"]))
        }
        var types: Set<LiveEventType>?
        for pair in URLEncoding.formPairs(request.head.query) where pair.name == "types" {
            var chosen = types ?? []
            for name in pair.value.split(separator: ",") {
                guard let type = LiveEventType(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    let known = LiveEventType.allCases.map(\.rawValue).joined(separator: ", ")
                    return exchange.respond(AdminResponse.error(400, "unknown event type \"\(name)\" (expected \(known))",
                                                                field: "types"))
                }
                chosen.insert(type)
            }
            types = chosen
        }
        EventStreamRoute(exchange: exchange, hub: hub).start(types: types)
    }

    private func start(types: Set<LiveEventType>?) {
        let bound = LoopBound(Weak(self), on: exchange.loop)
        let subscription = hub.subscribe(
            types: types, lastEventID: exchange.request.headers["Last-Event-ID"],
            wake: { bound.loop.execute { bound.value.object?.drain() } },
            drop: { bound.loop.execute { bound.value.object?.exchange.abort(.slowSubscriber) } })
        subscriberID = subscription.id
        // The exchange holds the stream until the connection closes (no cycle after that).
        exchange.onCancel = { [self] in hub.unsubscribe(subscriberID) }
        exchange.startStream(status: 200, headers: [
            "Content-Type": "text/event-stream; charset=utf-8",
            // no-transform: not compressed (each event must reach the browser as it is sent)
            "Cache-Control": "no-cache, no-transform",
            "X-Accel-Buffering": "no",
        ])
        exchange.write(subscription.initial)
        drain()
    }

    /// Sends what the hub holds, unless the connection is still behind.
    private func drain() {
        guard !isWaitingForDrain, exchange.isConnected, let bytes = hub.take(subscriberID) else { return }
        if !bytes.isEmpty { exchange.write(bytes) }
        if exchange.pendingOutputBytes > Self.outputMark {
            isWaitingForDrain = true
            exchange.onOutputDrained = { [weak self] in
                self?.isWaitingForDrain = false
                self?.drain()
            }
        }
    }
}
