#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims

extension StopSignal {
    /// Turns SIGINT and SIGTERM into `stop()`: blocks both in the calling thread (call it
    /// on the main thread before any other thread starts, so all inherit the block) and
    /// takes them with `sigwait` on a thread of its own, as `ServeRunner` does. A second
    /// signal exits at once (130), in case the first cannot finish (a stuck output pipe).
    public func stopOnInterrupt() {
        signal(SIGPIPE, SIG_IGN)
        for signalNumber in [SIGINT, SIGTERM] { _ = us_block_signal(signalNumber) }
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = us_thread_start({ raw in
            let stop = Unmanaged<StopSignal>.fromOpaque(raw!).takeRetainedValue()
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigaddset(&signals, SIGTERM)
            var received: Int32 = 0
            while sigwait(&signals, &received) != 0 {}
            stop.stop()
            while sigwait(&signals, &received) != 0 {}
            _exit(130)
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }
}
