#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims

/// SIGTERM and SIGINT taken with `sigwait` on the main thread, which has nothing else to
/// do. Dispatch signal sources were tried first: on Linux `dispatchMain()` parks the main
/// thread in `sigsuspend` with every signal unblocked, so a SIGTERM could be delivered there
/// (and dropped, its disposition being ignore) instead of reaching the source — seen as
/// lost signals under load.
struct ShutdownSignals {
    private var set = sigset_t()

    /// Blocks the signals; call it before any thread exists, so every thread inherits the
    /// block and only `wait` receives them. Also ignores SIGPIPE.
    init() {
        signal(SIGPIPE, SIG_IGN)
        sigemptyset(&set)
        for signalNumber in [SIGTERM, SIGINT] {
            _ = us_block_signal(signalNumber)
            sigaddset(&set, signalNumber)
        }
    }

    /// Blocks until one of the signals arrives; returns its number.
    mutating func wait() -> Int32 {
        while true {
            var received: Int32 = 0
            if sigwait(&set, &received) == 0 { return received }
        }
    }
}
