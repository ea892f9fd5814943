#if canImport(Glibc)
import Glibc
#endif

/// A value behind a pthread mutex, for state several threads share (fault rules, health,
/// a loop's task inbox). Used instead of `Synchronization.Mutex`, whose futex-based lock on
/// Linux Thread Sanitizer cannot see (it reports every guarded access as a race); pthread
/// locks it understands. `@unchecked Sendable` because the mutex guards every access.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
