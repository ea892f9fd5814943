#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims
import Dispatch

/// One epoll loop on its own long-lived thread. It owns the connections registered with it
/// (only its thread touches them), their timers, and a scratch read buffer they share.
/// Other threads hand it work through `execute`, which wakes it through an `eventfd`.
public final class EventLoop: @unchecked Sendable {
    public let name: String
    private let epollFD: Int32
    private let wakeFD: Int32
    private static let wakeToken = UInt64.max

    private struct Registration {
        var handler: EventHandler
        var generation: UInt32
    }
    private var registrations: [Registration?] = []
    private var generation: UInt32 = 0
    private var timers = TimerQueue(capacity: 16_384)
    private let inbox = Locked<[@Sendable () -> Void]>([])
    private var iterationEndHooks: [() -> Void] = []
    private var isRunning = true
    private let finished = DispatchSemaphore(value: 0)

    /// Monotonic time in ns, refreshed after each wait: read it instead of the clock.
    public private(set) var now: UInt64 = us_monotonic_ns()
    /// The monotonic clock now, in ns (for durations finer than one loop iteration).
    public static func monotonicNow() -> UInt64 { us_monotonic_ns() }

    /// Scratch buffer for reads; valid only during the handler call that reads into it.
    public let readBuffer: UnsafeMutableRawBufferPointer

    public init(name: String, readBufferSize: Int = 64 * 1024) throws(SocketError) {
        self.name = name
        let epollFD = us_epoll_create()
        guard epollFD >= 0 else { throw SocketError("epoll_create", name, code: us_errno()) }
        let wakeFD = us_eventfd()
        guard wakeFD >= 0 else {
            Glibc.close(epollFD)
            throw SocketError("eventfd", name, code: us_errno())
        }
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        self.readBuffer = .allocate(byteCount: readBufferSize, alignment: 16)
        _ = us_epoll_add(epollFD, wakeFD, UInt32(US_EPOLLIN), Self.wakeToken)
    }

    deinit {
        readBuffer.deallocate()
        Glibc.close(epollFD)
        Glibc.close(wakeFD)
    }

    /// True on this loop's own thread.
    public var inLoop: Bool {
        us_current_loop() == Unmanaged.passUnretained(self).toOpaque()
    }

    public func assertInLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inLoop, "\(name) state touched off its loop", file: file, line: line)
    }

    // MARK: Lifecycle

    /// Starts the loop's thread.
    public func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = us_thread_start({ raw in
            let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
            loop.run()
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    /// Asks the loop to finish its current iteration and exit its thread.
    public func stop() {
        execute { [self] in isRunning = false }
    }

    /// Blocks the calling (non-loop) thread until the loop's thread has exited.
    public func waitUntilStopped() {
        precondition(!inLoop, "a loop cannot wait for itself")
        finished.wait()
        finished.signal()
    }

    private func run() {
        us_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
        let capacity = 256
        let events = UnsafeMutablePointer<us_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while isRunning {
            let count = us_epoll_wait(epollFD, events, Int32(capacity), waitTimeoutMilliseconds())
            now = us_monotonic_ns()
            if count > 0 {
                for index in 0..<Int(count) {
                    dispatch(events[index])
                    // A long batch (accepting a burst of connections) must not hold back due
                    // timers: every 32 events, fire those whose time has come.
                    if index & 31 == 31 {
                        now = us_monotonic_ns()
                        runDueTimers()
                    }
                }
                now = us_monotonic_ns()
            }
            runDueTimers()
            runInbox()
            for hook in iterationEndHooks { hook() }
        }
        registrations = []
        us_set_current_loop(nil)
        finished.signal()
    }

    private func waitTimeoutMilliseconds() -> Int32 {
        guard let deadline = timers.nextDeadline() else { return -1 }
        let current = us_monotonic_ns()
        if deadline <= current { return 0 }
        return Int32(clamping: (deadline - current + 999_999) / 1_000_000)
    }

    private func dispatch(_ event: us_event) {
        if event.token == Self.wakeToken {
            _ = us_eventfd_drain(wakeFD)
            return
        }
        let fd = Int(event.token & 0xFFFF_FFFF)
        let expected = UInt32(truncatingIfNeeded: event.token >> 32)
        guard fd < registrations.count, let registration = registrations[fd],
              registration.generation == expected else { return }
        let handler = registration.handler   // a strong reference for the call: it may deregister itself
        handler.handleEvents(Readiness(rawValue: event.events))
    }

    private func runDueTimers() {
        for action in timers.popDue(now: now) { action() }
    }

    private func runInbox() {
        let tasks = inbox.withLock { tasks in
            defer { tasks.removeAll(keepingCapacity: true) }
            return tasks
        }
        for task in tasks { task() }
    }

    // MARK: Registration (loop thread only)

    /// Polls `fd` for `handler`; the loop keeps the handler alive until `deregister`.
    public func register(_ handler: EventHandler, fileDescriptor fd: Int32, for readiness: Readiness,
                         edgeTriggered: Bool = true, exclusive: Bool = false) throws(SocketError) {
        generation &+= 1
        var bits = readiness.rawValue
        if edgeTriggered { bits |= UInt32(US_EPOLLET) }
        if exclusive { bits |= UInt32(US_EPOLLEXCLUSIVE) }
        let token = UInt64(generation) << 32 | UInt64(UInt32(fd))
        guard us_epoll_add(epollFD, fd, bits, token) == 0 else {
            throw SocketError("epoll_ctl add", "fd \(fd)", code: us_errno())
        }
        let index = Int(fd)
        if index >= registrations.count {
            registrations.append(contentsOf: repeatElement(nil, count: max(index + 1 - registrations.count, 64)))
        }
        registrations[index] = Registration(handler: handler, generation: generation)
    }

    /// Stops polling `fd`; do this before closing it.
    public func deregister(fileDescriptor fd: Int32) {
        _ = us_epoll_del(epollFD, fd)
        let index = Int(fd)
        guard index < registrations.count else { return }
        registrations[index] = nil
    }

    // MARK: Work and timers

    /// Runs `task` on the loop's thread soon; callable from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        inbox.withLock { $0.append(task) }
        _ = us_eventfd_signal(wakeFD)
    }

    /// Runs `action` on the loop at `deadline` (monotonic ns) unless cancelled first.
    @discardableResult
    public func schedule(at deadline: UInt64, _ action: @escaping () -> Void) -> TimerHandle {
        assertInLoop()
        return TimerHandle(id: timers.schedule(at: deadline, action))
    }

    @discardableResult
    public func schedule(after duration: Duration, _ action: @escaping () -> Void) -> TimerHandle {
        schedule(at: now &+ UInt64(duration.nanosecondsClamped), action)
    }

    public func cancel(_ timer: TimerHandle) {
        assertInLoop()
        timers.cancel(timer.id)
    }

    /// Runs `hook` at the end of every iteration (e.g. flushing buffered log lines).
    public func onIterationEnd(_ hook: @escaping () -> Void) {
        assertInLoop()
        iterationEndHooks.append(hook)
    }
}

/// A scheduled timer, for cancelling it on its loop.
public struct TimerHandle: Hashable, Sendable {
    let id: UInt64
}

extension Duration {
    /// Whole nanoseconds, clamped to `Int64` and at least 0.
    public var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return product &+ attoseconds / 1_000_000_000
    }
}
