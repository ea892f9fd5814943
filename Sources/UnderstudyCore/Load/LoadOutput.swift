/// A load run's summary: text for people, one JSON object for machines.
struct LoadOutput {
    let out: ClientOutput

    init(_ out: ClientOutput) { self.out = out }

    func summary(_ report: LoadReport) {
        let percentiles: [(String, UInt64)] = [
            ("p50", report.latencyMicroseconds(atPercentile: 50)), ("p90", report.latencyMicroseconds(atPercentile: 90)),
            ("p99", report.latencyMicroseconds(atPercentile: 99)), ("max", report.maxLatencyMicroseconds),
        ]
        let statuses = report.statusCounts.sorted { $0.key < $1.key }
        let errors = report.errorCounts.sorted { $0.key < $1.key }
        if out.isJSON {
            out.json("load_finished") { line in
                line.add("requests", report.requests)
                line.add("responses", report.responses)
                line.add("statuses", json: "{" + statuses.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}")
                line.add("errors", json: "{" + errors.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}")
                line.add("skipped_busy", report.skippedBusy)
                line.add("skipped_late", report.skippedLate)
                line.add("connections_opened", report.connectionsOpened)
                line.add("server_closes", report.serverCloses)
                line.add("reused_requests", report.reusedRequests)
                line.add("elapsed_ms", milliseconds: report.elapsedNanoseconds)
                line.add("latency_ms", json: "{" + percentiles.map { "\"\($0.0)\":\(Self.decimal($0.1))" }.joined(separator: ",") + "}")
                line.add("interrupted", report.wasInterrupted)
            }
            return
        }
        out.text("load finished\(report.wasInterrupted ? " (interrupted)" : "") after \(ClientOutput.seconds(report.elapsedNanoseconds)): "
                 + "\(report.requests) requests, \(report.responses) responses")
        for (status, count) in statuses { out.text("  status \(status): \(count)") }
        for (error, count) in errors { out.text("  error \(error): \(count)") }
        out.text("  connections opened \(report.connectionsOpened), closed by the server while idle \(report.serverCloses), "
                 + "requests on a reused connection \(report.reusedRequests), turns skipped (connection busy) \(report.skippedBusy)"
                 + (report.skippedLate > 0 ? ", turns missed (process late) \(report.skippedLate)" : ""))
        out.text("  latency " + percentiles.map { "\($0.0) \(ClientOutput.milliseconds($0.1 * 1_000))" }.joined(separator: "  "))
    }

    /// Microseconds as milliseconds with three decimals, a JSON number.
    private static func decimal(_ micros: UInt64) -> String {
        let fraction = micros % 1_000
        return "\(micros / 1_000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }
}
