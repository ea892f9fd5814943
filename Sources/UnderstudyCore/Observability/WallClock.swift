#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time for logs and `Date` headers (deadlines use the monotonic clock).
enum WallClock {
    static func now() -> timespec {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return spec
    }

    static func epochSeconds() -> Int { now().tv_sec }
}
