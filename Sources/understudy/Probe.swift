import ArgumentParser
import UnderstudyCore

/// `understudy probe URL`: flags → `ProbeSettings` → `Probe.run` → exit code.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Health-check a URL as an ALB, ECS or Kubernetes checker would.",
        discussion: "Exit 0 if the target stayed healthy, 1 if it was ever marked unhealthy (or never became healthy), 2 for a bad flag.")

    @Argument(help: "The URL to check, e.g. http://127.0.0.1:8080/health.") var url: String
    @Option(help: "Defaults to imitate: alb, ecs or k8s.") var profile = "alb"
    @Option(help: "Time between checks, e.g. 5s.") var interval: String?
    @Option(help: "Time a check may take, e.g. 2s.") var timeout: String?
    @Option(help: "Consecutive successes that make an unhealthy target healthy.") var healthyThreshold: Int?
    @Option(help: "Consecutive failures that make a target unhealthy.") var unhealthyThreshold: Int?
    @Option(help: "Success codes, e.g. 200, 200-299 or 200,202,300-399.") var matcher: String?
    @Option(help: "Start period during which failures do not count, e.g. 30s.") var grace: String?
    @Option(help: "How long to run, e.g. 5m (default: until interrupted).") var duration: String?
    @Flag(help: "Reuse one keep-alive connection between checks.") var keepalive = false
    @Flag(help: "TCP-connect check (an NLB's default): passes once the handshake completes.") var tcp = false
    @Flag(help: "One check; exit 0 if it passes (for HEALTHCHECK lines).") var once = false
    @Flag(help: "Measure after how long the server closes an idle keep-alive connection.") var measureKeepalive = false
    @Option(help: "The load balancer's idle timeout to compare with (--measure-keepalive).") var lbIdleTimeout = "60s"
    @Option(help: "Longest wait for the server's close (--measure-keepalive; default: the LB idle timeout + 5s).") var maxWait: String?
    @Flag(help: "One JSON object per line.") var json = false

    func run() throws {
        let settings = try CLIArguments.checked { () throws(CLIArgumentError) in try makeSettings() }
        let stop = StopSignal()
        stop.stopOnInterrupt()
        let code = try CLIArguments.checked { try Prober.runBlocking(settings, stop: stop) }
        throw ExitCode(code)
    }

    private func makeSettings() throws(CLIArgumentError) -> ProbeSettings {
        guard let profile = ProbeProfile(rawValue: profile) else {
            throw CLIArgumentError("--profile: expected alb, ecs or k8s, got \"\(self.profile)\"")
        }
        var settings = ProbeSettings(url: try CLIArguments.wrap { () throws(ClientArgumentError) in try ClientURL(parsing: url) },
                                     profile: profile)
        if let interval { settings.interval = try CLIArguments.duration(interval, flag: "--interval") }
        if let timeout { settings.timeout = try CLIArguments.duration(timeout, flag: "--timeout") }
        if let healthyThreshold { settings.healthyThreshold = healthyThreshold }
        if let unhealthyThreshold { settings.unhealthyThreshold = unhealthyThreshold }
        if let matcher { settings.matcher = try CLIArguments.wrap { () throws(ClientArgumentError) in try StatusMatcher(parsing: matcher) } }
        if let grace { settings.grace = try CLIArguments.duration(grace, flag: "--grace") }
        if let duration { settings.duration = try CLIArguments.duration(duration, flag: "--duration") }
        settings.keepAlive = keepalive
        settings.tcpOnly = tcp
        settings.json = json
        if once && measureKeepalive { throw CLIArgumentError("--once and --measure-keepalive cannot be used together") }
        if once { settings.mode = .once }
        if measureKeepalive {
            let lbIdle = try CLIArguments.duration(lbIdleTimeout, flag: "--lb-idle-timeout")
            // Waiting past the load balancer's idle timeout proves nothing more.
            let wait = try maxWait.map { flag throws(CLIArgumentError) in try CLIArguments.duration(flag, flag: "--max-wait") }
            settings.mode = .measureKeepAlive(lbIdleTimeout: lbIdle, maxWait: wait ?? lbIdle + .seconds(5))
        }
        try CLIArguments.wrap { () throws(ClientArgumentError) in try settings.validate() }
        return settings
    }
}
