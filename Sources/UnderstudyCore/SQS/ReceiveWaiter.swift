import UnderstudyNet

/// A long poll waiting for a message: registered with the store by a ReceiveMessage that
/// found nothing, woken (once) by a send, a visibility change or its own timer. Waking runs
/// `wake` on the waiter's loop; the store only holds it, so no thread waits.
final class ReceiveWaiter: Sendable {
    private let claimed = Locked(false)
    private let wake: @Sendable () -> Void

    init(wake: @escaping @Sendable () -> Void) { self.wake = wake }

    /// True for the first caller only: a woken or timed-out waiter is not woken again.
    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }

    /// Already woken or timed out.
    var isClaimed: Bool { claimed.withLock { $0 } }

    /// Runs the wake-up (the waiter hops to its own loop there). Call outside the store's lock.
    func fire() { wake() }

    /// `fire` from inside the store's lock: `wake` only schedules work on a loop, so it does
    /// not re-enter the store.
    func fireLater() { wake() }
}
