/// A probe's lines: one per check, one per transition, one at the end; text or JSON.
struct ProbeOutput {
    let out: ClientOutput

    init(_ out: ClientOutput) { self.out = out }

    func check(_ outcome: ClientOutcome, passed: Bool, ignoredInGrace: Bool) {
        if out.isJSON {
            out.json("check") { line in
                switch outcome.result {
                case .response(let response): line.add("status", response.status)
                case .connected: line.add("result", "connected")
                case .failed(let failure): line.add("error", failure.code)
                }
                line.add("passed", passed)
                line.add("latency_ms", milliseconds: outcome.latencyNanoseconds)
                if outcome.reusedConnection { line.add("reused_connection", true) }
                if ignoredInGrace { line.add("in_grace", true) }
            }
            return
        }
        let result = switch outcome.result {
        case .response(let response): "\(response.status)"
        case .connected: "connected"
        case .failed(let failure): failure.description
        }
        var text = "check  \(result)  \(passed ? "pass" : "fail")  \(ClientOutput.milliseconds(outcome.latencyNanoseconds))"
        if outcome.reusedConnection { text += "  (reused connection)" }
        if ignoredInGrace { text += "  (grace period: not counted)" }
        out.text(text)
    }

    func transition(_ transition: ProbeTransition) {
        if out.isJSON {
            out.json("transition") { line in
                line.add("from", transition.from.rawValue)
                line.add("to", transition.to.rawValue)
                line.add("consecutive", transition.consecutive)
            }
        } else {
            out.text("transition  \(transition.description)")
        }
    }

    func finished(_ report: ProbeReport) {
        if out.isJSON {
            out.json("probe_finished") { line in
                line.add("health", report.finalHealth.rawValue)
                line.add("checks", report.checks)
                line.add("passed", report.passed)
                line.add("marked_unhealthy", report.wasMarkedUnhealthy)
                line.add("exit_code", Int(report.exitCode))
            }
        } else {
            out.text("finished  \(report.finalHealth.rawValue), \(report.checks) check\(report.checks == 1 ? "" : "s"), \(report.passed) passed"
                     + (report.wasMarkedUnhealthy ? ", marked unhealthy" : "") + "  exit \(report.exitCode)")
        }
    }
}
