#if canImport(Glibc)
import Glibc
#endif
import Logging
import UnderstudyNet

/// Runs `understudy serve` until a signal ends it: starts the server, turns SIGTERM and
/// SIGINT into the drain sequence (a second signal exits at once), never returns.
public enum ServeRunner {
    public static func run(config: UnderstudyConfig, logger: Logger) -> Never {
        var signals = ShutdownSignals()
        let server: UnderstudyServer
        do {
            server = try UnderstudyServer(config: config, logger: logger)
        } catch let error as ConfigError {
            FileHandleOutput.standardError("understudy: \(error)")   // a certificate that cannot be used
            exit(2)
        } catch {
            FileHandleOutput.standardError("understudy: \(error)")
            exit(1)
        }
        server.start()
        while true {
            _ = signals.wait()
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
