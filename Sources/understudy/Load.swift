import ArgumentParser
import UnderstudyCore

/// `understudy load URL`: flags → `LoadSettings` → `LoadGenerator` → summary and exit code.
struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send requests over a pool of keep-alive connections, as a load balancer does.",
        discussion: "Exit 0 if every request got a response, 1 otherwise, 2 for a bad flag.")

    @Argument(help: "The URL to request, e.g. http://127.0.0.1:8080/get.") var url: String
    @Option(help: "Connections in the pool.") var connections = 10
    @Option(help: "Requests per second across the pool.") var rate: Double = 10
    @Option(help: "How long to send, e.g. 30s.") var duration = "10s"
    @Option(help: "Per-request timeout, connect included, e.g. 2s.") var timeout = "10s"
    @Flag(help: "The summary as one JSON object.") var json = false

    func run() throws {
        let settings = try CLIArguments.checked { () throws(CLIArgumentError) in try makeSettings() }
        let stop = StopSignal()
        stop.stopOnInterrupt()
        let report = try CLIArguments.checked { try LoadGenerator.runBlocking(settings, stop: stop) }
        throw ExitCode(report.exitCode)
    }

    private func makeSettings() throws(CLIArgumentError) -> LoadSettings {
        var settings = LoadSettings(url: try CLIArguments.wrap { () throws(ClientArgumentError) in try ClientURL(parsing: url) },
                                    connections: connections, rate: rate,
                                    duration: try CLIArguments.duration(duration, flag: "--duration"),
                                    timeout: try CLIArguments.duration(timeout, flag: "--timeout"))
        settings.json = json
        try CLIArguments.wrap { () throws(ClientArgumentError) in try settings.validate() }
        return settings
    }
}
