#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Logging
import UnderstudyNet

/// Runs `understudy serve` until a signal ends it: starts the server, turns SIGTERM and
/// SIGINT into the drain sequence (a second signal exits at once), never returns.
public enum ServeRunner {
    public static func run(config: UnderstudyConfig, logger: Logger) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let server: UnderstudyServer
        do {
            server = try UnderstudyServer(config: config, logger: logger)
        } catch {
            FileHandleOutput.standardError("understudy: \(error)")
            exit(1)
        }
        server.start()
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler {
                let first = server.beginDrain { code in exit(code) }
                if !first {
                    FileHandleOutput.standardError("understudy: second signal, exiting at once")
                    exit(1)
                }
            }
            source.resume()
            sources.append(source)
        }
        withExtendedLifetime(sources) { dispatchMain() }
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
