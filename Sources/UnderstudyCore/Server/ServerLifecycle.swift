import Dispatch
import UnderstudyNet

/// Where the server is between start and exit; `/api/state` reports it.
public enum ServerLifecycle: String, Sendable {
    case created, serving, draining, stopping, stopped
}

extension UnderstudyServer {
    /// SIGTERM/SIGINT: health answers 503 at once and every response closes its connection;
    /// after `shutdown.drain` the listeners close and idle connections with them; in-flight
    /// requests get until `shutdown.grace`; then `exit` runs (with 0). Returns false if a
    /// drain had already begun (a second signal: the caller exits at once).
    public func beginDrain(exit: @escaping @Sendable (Int32) -> Void) -> Bool {
        let first = lifecycle.withLock { state -> Bool in
            guard state == .serving else { return false }
            state = .draining
            return true
        }
        guard first else { return false }
        dataPlane.shared.isDraining = true
        var line = JSONLine()
        line.add("event", "draining")
        line.add("drain_ms", milliseconds: UInt64(config.shutdown.drain.duration.nanosecondsClamped))
        line.add("grace_ms", milliseconds: UInt64(config.shutdown.grace.duration.nanosecondsClamped))
        output.writeLine(line)
        let queue = DispatchQueue(label: "understudy.shutdown")
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(config.shutdown.drain.duration.nanosecondsClamped))) { [self] in
            lifecycle.withLock { $0 = .stopping }
            dataPlane.stopAccepting { [self] in
                // This runs on a loop: hop off it, since stopping waits for the loops.
                queue.async { [self] in
                    dataPlane.closeIdleConnections()
                    let deadline = DispatchTime.now() + .nanoseconds(Int(config.shutdown.grace.duration.nanosecondsClamped))
                    waitForConnections(until: deadline, on: queue, exit: exit)
                }
            }
        }
        return true
    }

    /// Polls the open-connection count on a timer (no thread waits) until it is zero or
    /// the grace period is over, then stops everything and exits.
    private func waitForConnections(until deadline: DispatchTime, on queue: DispatchQueue,
                                    exit: @escaping @Sendable (Int32) -> Void) {
        if dataPlane.openConnections == 0 || DispatchTime.now() >= deadline {
            let abandoned = dataPlane.openConnections
            var line = JSONLine()
            line.add("event", "stopped")
            line.add("abandoned_connections", abandoned)
            output.writeLine(line)
            stop()
            exit(0)
            return
        }
        queue.asyncAfter(deadline: .now() + .milliseconds(10)) { [self] in
            waitForConnections(until: deadline, on: queue, exit: exit)
        }
    }
}
