/// The entry point `understudy load` calls: runs the pool on a loop of its own.
public enum LoadGenerator {
    /// Blocks the calling (main) thread until the run ends; the summary goes to stdout.
    public static func runBlocking(_ settings: LoadSettings, output: OutputWriter = .standardOutput,
                                   stop: StopSignal) throws -> LoadReport {
        try LoadRunner.runBlocking(settings, output: output, stop: stop)
    }

    public static func run(_ settings: LoadSettings, output: OutputWriter, stop: StopSignal = StopSignal()) async throws -> LoadReport {
        try await LoadRunner.run(settings, output: output, stop: stop)
    }
}
