import CUnderstudyShims

/// Process-wide limits read or raised at start-up.
public enum SystemLimits {
    /// CPUs this process may run on (`sched_getaffinity`), which sizes the loop count.
    public static func availableCPUs() -> Int { Int(us_available_cpus()) }

    /// Raises the open-file soft limit to its hard maximum; returns the new limit.
    @discardableResult
    public static func raiseOpenFileLimit() -> Int { max(Int(us_raise_nofile_limit()), 64) }
}
