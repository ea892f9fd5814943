import HeapModule

/// A loop's pending timers: a min-heap of deadlines (monotonic ns) with lazy cancellation,
/// so a delay costs a few bytes, not a thread.
struct TimerQueue {
    private struct Entry: Comparable {
        var deadline: UInt64
        var id: UInt64
        static func < (a: Entry, b: Entry) -> Bool { (a.deadline, a.id) < (b.deadline, b.id) }
    }

    private var heap = Heap<Entry>()
    private var actions: [UInt64: () -> Void] = [:]
    private var nextID: UInt64 = 1

    var count: Int { actions.count }

    /// Room for `capacity` pending timers made up front (as nginx sizes its connection
    /// arrays at start): growing the table while thousands of timers are pending rehashes
    /// all of them at once, a pause of milliseconds that lands on timers due meanwhile.
    /// Only touched pages cost memory.
    init(capacity: Int = 0) {
        heap.reserveCapacity(capacity)
        actions.reserveCapacity(capacity)
    }

    mutating func schedule(at deadline: UInt64, _ action: @escaping () -> Void) -> UInt64 {
        let id = nextID
        nextID += 1
        heap.insert(Entry(deadline: deadline, id: id))
        actions[id] = action
        return id
    }

    mutating func cancel(_ id: UInt64) {
        actions[id] = nil
    }

    /// Earliest live deadline, dropping cancelled entries on the way.
    mutating func nextDeadline() -> UInt64? {
        while let top = heap.min {
            if actions[top.id] != nil { return top.deadline }
            heap.removeMin()
        }
        return nil
    }

    /// Removes and returns the actions due at `now`, in deadline order.
    mutating func popDue(now: UInt64) -> [() -> Void] {
        var due: [() -> Void] = []
        while let top = heap.min, top.deadline <= now {
            heap.removeMin()
            if let action = actions.removeValue(forKey: top.id) { due.append(action) }
        }
        return due
    }
}
