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

    static func epochNanoseconds() -> UInt64 {
        let spec = now()
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
