import ArgumentParser
import UnderstudyCore

/// A bad flag value found after parsing; printed as one line, exit 2.
struct CLIArgumentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Flag-value helpers shared by `probe` and `load`.
enum CLIArguments {
    /// A duration written as the config writes them (`250ms`, `1.5s`, `2m`).
    static func duration(_ text: String, flag: String) throws(CLIArgumentError) -> Duration {
        do {
            return try ConfigDuration(parsing: text).duration
        } catch {
            throw CLIArgumentError("\(flag): expected a duration like 250ms, 1.5s or 2m, got \"\(text)\"")
        }
    }

    static func wrap<T>(_ body: () throws(ClientArgumentError) -> T) throws(CLIArgumentError) -> T {
        do {
            return try body()
        } catch {
            throw CLIArgumentError(error.description)
        }
    }

    /// Runs `body`; a bad argument (or one found while resolving the host) prints one line
    /// on stderr and exits 2, any other failure exits 1.
    static func checked<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CLIArgumentError {
            FileHandleOutput.standardError("understudy: \(error)")
            throw ExitCode(2)
        } catch let error as ClientArgumentError {
            FileHandleOutput.standardError("understudy: \(error)")
            throw ExitCode(2)
        } catch {
            FileHandleOutput.standardError("understudy: \(error)")
            throw ExitCode(1)
        }
    }
}
