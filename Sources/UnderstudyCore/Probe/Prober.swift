/// The entry point `understudy probe` calls: picks the checker or the keep-alive
/// measurement by mode, runs it on a loop of its own, returns the exit code.
public enum Prober {
    /// Blocks the calling (main) thread until the run ends; writes to stdout.
    public static func runBlocking(_ settings: ProbeSettings, output: OutputWriter = .standardOutput,
                                   stop: StopSignal) throws -> Int32 {
        if case .measureKeepAlive = settings.mode {
            return try KeepAliveMeasurement.runBlocking(settings, output: output, stop: stop).exitCode
        }
        return try ProbeRunner.runBlocking(settings, output: output, stop: stop).exitCode
    }

    public static func run(_ settings: ProbeSettings, output: OutputWriter, stop: StopSignal = StopSignal()) async throws -> ProbeReport {
        try await ProbeRunner.run(settings, output: output, stop: stop)
    }

    public static func measureKeepAlive(_ settings: ProbeSettings, output: OutputWriter,
                                        stop: StopSignal = StopSignal()) async throws -> KeepAliveReport {
        try await KeepAliveMeasurement.run(settings, output: output, stop: stop)
    }
}
