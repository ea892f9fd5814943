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

    /// Runs the wake-up. It only schedules work on the waiter's loop and never re-enters the
    /// store, so it is safe inside the store's lock too (a dead-letter move wakes from there).
    func fire() { wake() }
}
