#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Runs `understudy gateway` until SIGTERM or SIGINT: starts the gateway, then on the
/// signal stops accepting, closes every connection and exits 0. Never returns.
public enum GatewayRunner {
    public static func run(config: GatewayConfig, logger: Logger) -> Never {
        var signals = ShutdownSignals()
        let gateway: GatewayServer
        do {
            gateway = try GatewayServer(config: config, logger: logger)
        } catch let error as ConfigError {
            FileHandleOutput.standardError("understudy: \(error)")   // a certificate that cannot be used
            exit(2)
        } catch {
            FileHandleOutput.standardError("understudy: \(error)")
            exit(1)
        }
        gateway.start()
        _ = signals.wait()
        gateway.stop()
        exit(0)
    }
}
