import ArgumentParser
import UnderstudyCore

// Thin entry point: parse, run, map every failure to an exit code (2 for any bad flag,
// argument or config, in every subcommand).
do {
    var command = try Understudy.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    Understudy.exit(withError: code)
} catch {
    if Understudy.exitCode(for: error) == .success {
        Understudy.exit(withError: error)
    }
    FileHandleOutput.standardError(Understudy.fullMessage(for: error))
    Understudy.exit(withError: ExitCode(2))
}
