import UnderstudyNet

/// What a probe run came to: the exit code the CLI returns and the counts behind it.
public struct ProbeReport: Sendable {
    public var finalHealth: ProbeHealth
    public var wasMarkedUnhealthy: Bool
    public var checks: Int
    public var passed: Int
    public var transitions: [ProbeTransition]
    /// 0: stayed healthy (or `--once` passed); 1: marked unhealthy, never healthy, or failed.
    public var exitCode: Int32
}

/// Runs health checks as a load balancer does, on its loop: one every interval from the
/// start (independent of how long each takes, as ALB's are), each on a new connection
/// closed afterwards unless keep-alive; feeds results to a `ProbeHealthMachine` and writes
/// a line per check and per transition. Owned by its loop.
final class ProbeRunner: ClientJob {
    static let loopName = "probe"
    static func url(in settings: ProbeSettings) -> ClientURL { settings.url }

    private let settings: ProbeSettings
    private let loop: EventLoop
    private let address: SocketAddress
    private let output: ProbeOutput
    private let request: ClientRequest
    /// Shared by every check's connection for an https URL.
    private let tls: TLSContext?
    private var machine: ProbeHealthMachine
    private var finish: ((ProbeReport) -> Void)?
    private var startedAt: UInt64 = 0
    private var checkNumber = 0
    private var nextCheck: TimerHandle?
    private var endTimer: TimerHandle?
    private var isEnding = false
    private var inFlight: [ObjectIdentifier: HTTPClientConnection] = [:]
    private var kept: HTTPClientConnection?
    private var checks = 0
    private var passed = 0
    private var transitions: [ProbeTransition] = []

    init(settings: ProbeSettings, loop: EventLoop, address: SocketAddress, output: ProbeOutput,
         finish: @escaping (ProbeReport) -> Void) {
        self.settings = settings
        self.loop = loop
        self.address = address
        self.output = output
        self.finish = finish
        request = ClientRequest(url: settings.url, userAgent: "understudy-probe (ELB-HealthChecker/2.0 style)")
        tls = settings.url.makeTLSContext()
        machine = ProbeHealthMachine(settings)
    }

    static func start(_ settings: ProbeSettings, loop: EventLoop, address: SocketAddress, output: OutputWriter,
                      finish: @escaping (ProbeReport) -> Void) -> () -> Void {
        let runner = ProbeRunner(settings: settings, loop: loop, address: address,
                                 output: ProbeOutput(ClientOutput(writer: output, json: settings.json)), finish: finish)
        runner.start()
        return { runner.end(droppingChecksInFlight: true) }
    }

    // MARK: Running

    private func start() {
        startedAt = EventLoop.monotonicNow()
        if let duration = settings.duration, settings.mode != .once {
            endTimer = loop.schedule(after: duration) { [self] in end(droppingChecksInFlight: false) }
        }
        runCheck()
    }

    private func runCheck() {
        nextCheck = nil
        guard !isEnding else { return }
        let began = EventLoop.monotonicNow()
        let inGrace = began &- startedAt < UInt64(settings.grace.nanosecondsClamped)
        checkNumber += 1
        if settings.mode != .once {
            // On the interval's grid from the start; slots missed while the process was
            // stopped are skipped, not run back to back.
            let interval = UInt64(settings.interval.nanosecondsClamped)
            let elapsed = began &- startedAt
            checkNumber = max(checkNumber, Int(elapsed / interval) + 1)
            let due = startedAt &+ UInt64(checkNumber) &* interval
            nextCheck = loop.schedule(at: due) { [self] in runCheck() }
        }
        let connection: HTTPClientConnection
        if settings.keepAlive, let kept, !kept.isBusy {
            connection = kept
        } else {
            connection = HTTPClientConnection(loop: loop, address: address, tls: tls, serverName: settings.url.serverName)
            if settings.keepAlive { kept = connection }
        }
        let id = ObjectIdentifier(connection)
        inFlight[id] = connection
        let completion: (ClientOutcome) -> Void = { [self] outcome in
            inFlight[id] = nil
            // Closed after each check, unless it is the one kept alive (a busy kept one
            // replaced meanwhile is closed too).
            if !settings.keepAlive || connection !== kept { connection.close() }
            record(outcome, inGrace: inGrace)
        }
        if settings.tcpOnly {
            connection.checkConnect(timeout: settings.timeout, completion: completion)
        } else {
            connection.send(request, timeout: settings.timeout, completion: completion)
        }
    }

    private func record(_ outcome: ClientOutcome, inGrace: Bool) {
        let didPass = switch outcome.result {
        case .connected: true
        case .response(let response): settings.matcher.matches(response.status)
        case .failed: false
        }
        checks += 1
        if didPass { passed += 1 }
        output.check(outcome, passed: didPass, ignoredInGrace: inGrace && !didPass)
        if let transition = machine.record(passed: didPass, inGrace: inGrace) {
            transitions.append(transition)
            output.transition(transition)
        }
        if settings.mode == .once {
            end(droppingChecksInFlight: false)
        } else if isEnding && inFlight.isEmpty {
            complete()
        }
    }

    /// Stops scheduling checks; the run completes when none is in flight (each ends within
    /// the timeout). Called at the end of the duration and after `--once`'s check; SIGINT
    /// drops the checks in flight and completes at once.
    private func end(droppingChecksInFlight: Bool) {
        if droppingChecksInFlight {
            for connection in inFlight.values { connection.close() }
            inFlight = [:]
        }
        guard finish != nil else { return }
        isEnding = true
        if let nextCheck { loop.cancel(nextCheck) }
        if let endTimer { loop.cancel(endTimer) }
        nextCheck = nil
        endTimer = nil
        if inFlight.isEmpty { complete() }
    }

    private func complete() {
        kept?.close()
        kept = nil
        let exitCode: Int32
        if settings.mode == .once {
            exitCode = passed > 0 ? 0 : 1
        } else {
            exitCode = machine.wasMarkedUnhealthy || machine.health != .healthy ? 1 : 0
        }
        let report = ProbeReport(finalHealth: machine.health, wasMarkedUnhealthy: machine.wasMarkedUnhealthy,
                                 checks: checks, passed: passed, transitions: transitions, exitCode: exitCode)
        output.finished(report)
        finish?(report)
        finish = nil
    }
}
