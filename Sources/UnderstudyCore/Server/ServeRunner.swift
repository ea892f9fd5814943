#if canImport(Glibc)
import Glibc
#endif
import CUnderstudyShims
import Logging
import UnderstudyNet

/// Runs `understudy serve` until a signal ends it: starts the server, turns SIGTERM and
/// SIGINT into the drain sequence (a second signal exits at once), never returns.
///
/// Signals are taken with `sigwait` on the main thread, which has nothing else to do.
/// Dispatch signal sources were tried first: on Linux `dispatchMain()` parks the main thread
/// in `sigsuspend` with every signal unblocked, so a SIGTERM could be delivered there (and
/// dropped, its disposition being ignore) instead of reaching the source — seen as lost
/// signals under load.
public enum ServeRunner {
    public static func run(config: UnderstudyConfig, logger: Logger) -> Never {
        signal(SIGPIPE, SIG_IGN)
        // Block the shutdown signals before any thread exists, so every thread inherits the
        // block and only `sigwait` below receives them.
        var shutdownSignals = sigset_t()
        sigemptyset(&shutdownSignals)
        for signalNumber in [SIGTERM, SIGINT] {
            _ = us_block_signal(signalNumber)
            sigaddset(&shutdownSignals, signalNumber)
        }
        let server: UnderstudyServer
        do {
            server = try UnderstudyServer(config: config, logger: logger)
        } catch {
            FileHandleOutput.standardError("understudy: \(error)")
            exit(1)
        }
        server.start()
        while true {
            var received: Int32 = 0
            guard sigwait(&shutdownSignals, &received) == 0 else { continue }
            let first = server.beginDrain { code in exit(code) }
            if !first {
                FileHandleOutput.standardError("understudy: second signal, exiting at once")
                exit(1)
            }
        }
    }
}

/// One-line messages on stderr (the CLI convention), without Foundation.
public enum FileHandleOutput {
    public static func standardError(_ message: String) {
        var bytes = Array(message.utf8)
        bytes.append(UInt8(ascii: "\n"))
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
