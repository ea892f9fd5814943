import Synchronization
import Testing
@testable import UnderstudyCore

/// The event hub without sockets: framing, the ring's bounds and resume points, the backlog
/// bound, type filters, and the sampler's stride.
@Suite struct EventHubTests {
    final class Wakes: Sendable {
        let woken = Atomic<Int>(0)
        let dropped = Atomic<Int>(0)
    }

    func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

    @Test func framesEventsAndWakesOncePerTake() {
        let hub = EventHub()
        let wakes = Wakes()
        let subscription = hub.subscribe(types: nil, lastEventID: nil, wake: { wakes.woken.add(1, ordering: .relaxed) },
                                         drop: { wakes.dropped.add(1, ordering: .relaxed) })
        #expect(text(subscription.initial) == "retry: 1000\n\n")
        hub.publish(.stats, json: Array(#"{"a":1}"#.utf8))
        hub.publish(.stats, json: Array("{\"a\":2}\n".utf8))
        #expect(wakes.woken.load(ordering: .relaxed) == 1)
        #expect(text(hub.take(subscription.id)) == "id: \(hub.boot)-1\nevent: stats\ndata: {\"a\":1}\n\nid: \(hub.boot)-2\nevent: stats\ndata: {\"a\":2}\n\n")
        hub.publish(.gap, json: Array("{}".utf8))
        #expect(wakes.woken.load(ordering: .relaxed) == 2)
        hub.unsubscribe(subscription.id)
        #expect(hub.take(subscription.id) == nil)
        #expect(hub.subscribers == 0)
    }

    @Test func resumesAfterAnIdAndReportsGaps() {
        var settings = EventHub.Settings()
        settings.bufferEvents = 3
        let hub = EventHub(settings: settings)
        for index in 1...5 { hub.publish(.requestCompleted, json: Array("{\"n\":\(index)}".utf8)) }
        // Ring holds 3, 4, 5.
        let resumed = text(hub.subscribe(types: nil, lastEventID: "\(hub.boot)-3", wake: {}, drop: {}).initial)
        #expect(resumed.contains("{\"n\":4}") && resumed.contains("{\"n\":5}") && !resumed.contains("{\"n\":3}"))
        #expect(!resumed.contains("event: gap"))
        let late = text(hub.subscribe(types: nil, lastEventID: "\(hub.boot)-1", wake: {}, drop: {}).initial)
        #expect(late.contains("event: gap\ndata: {\"reason\":\"overflow\",\"missed\":1}"))
        #expect(late.contains("{\"n\":3}"))
        let restarted = text(hub.subscribe(types: nil, lastEventID: "0000beef-9", wake: {}, drop: {}).initial)
        #expect(restarted.contains("\"reason\":\"restart\""))
        #expect(restarted.contains("{\"n\":3}") && restarted.contains("{\"n\":5}"))
        let future = text(hub.subscribe(types: nil, lastEventID: "\(hub.boot)-99", wake: {}, drop: {}).initial)
        #expect(future.contains("\"reason\":\"restart\""))
        let current = text(hub.subscribe(types: nil, lastEventID: "\(hub.boot)-5", wake: {}, drop: {}).initial)
        #expect(current == "retry: 1000\n\n")
    }

    @Test func filtersByType() {
        let hub = EventHub()
        let subscription = hub.subscribe(types: [.faultFired], lastEventID: nil, wake: {}, drop: {})
        hub.publish(.stats, json: Array("{}".utf8))
        hub.publish(.faultFired, json: Array("{\"rule\":\"x\"}".utf8))
        let got = text(hub.take(subscription.id))
        #expect(got.contains("event: fault_fired") && !got.contains("event: stats"))
    }

    @Test func dropsASubscriberPastItsBacklog() {
        var settings = EventHub.Settings()
        settings.maxBacklogBytes = 1000
        let hub = EventHub(settings: settings)
        let wakes = Wakes()
        let slow = hub.subscribe(types: nil, lastEventID: nil, wake: {}, drop: { wakes.dropped.add(1, ordering: .relaxed) })
        let fast = hub.subscribe(types: nil, lastEventID: nil, wake: {}, drop: {})
        let payload = Array("{\"pad\":\"\(String(repeating: "x", count: 200))\"}".utf8)
        for _ in 0..<4 {
            hub.publish(.stats, json: payload)
            _ = hub.take(fast.id)
        }
        #expect(wakes.dropped.load(ordering: .relaxed) == 0)
        hub.publish(.stats, json: payload)   // the fifth passes 1000 bytes
        #expect(wakes.dropped.load(ordering: .relaxed) == 1)
        #expect(hub.take(slow.id) == nil)
        #expect(hub.take(fast.id)?.isEmpty == false)
        #expect(hub.subscribers == 1)
        #expect(hub.droppedSubscribers == 1)
    }

    @Test func samplesEvenlyAcrossABusyInterval() {
        let window = LiveStatsWindow(budget: 10)
        // First interval: everything up to the budget.
        let first = (0..<1000).filter { _ in window.record(status: 200, durationNanoseconds: 1_000_000) }.count
        #expect(first == 10)
        let totals = window.rollOver()
        #expect(totals.requests == 1000 && totals.statuses[200] == 1000)
        #expect(totals.seen[0] == 1000 && totals.sent[0] == 10)
        #expect(totals.latency.valueAtPercentile(50) >= 990 && totals.latency.valueAtPercentile(50) <= 1010)
        // Next interval at the same pace: every 100th, so the sample spans the interval.
        let sent = (0..<1000).filter { _ in window.record(status: 503, durationNanoseconds: 1_000) }
        #expect(sent == Array(stride(from: 0, to: 1000, by: 100)))
        let again = window.rollOver()
        #expect(again.sent[0] == 10 && again.statuses[503] == 1000)
    }
}

extension EventHubTests {
    @Test func kindIndicesFollowAllCases() {
        #expect(LiveEventType.allCases.map(\.index) == Array(LiveEventType.allCases.indices))
        #expect(LiveEventType.sampled.map(\.sampledIndex) == Array(LiveEventType.sampled.indices))
    }
}
