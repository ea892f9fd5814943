import UnderstudyHTTP
import UnderstudyNet

/// One loop's fault checkpoint in front of the data plane's handlers: the client's own
/// `X-Understudy-Delay` / `X-Understudy-Status` headers first, then the rules in order;
/// the first enabled, active rule that matches, wins its probability roll and has fires
/// left, fires. Owned by its loop (its random generator and cached index are not shared).
final class FaultGate {
    private let rules: FaultRuleSet
    private var index: FaultIndex
    private var generation: UInt64
    /// The last short first segment looked up and its list: health checks repeat one path.
    private var lastSegment: (word: UInt64, count: Int, list: CandidateList)?
    private var random = SplitMix64()

    init(rules: FaultRuleSet) {
        self.rules = rules
        (index, generation) = rules.snapshot()
    }

    /// Applies the faults that match, then (unless a fault answers instead) runs `handler`.
    /// The SQS API calls this once it has decoded the action and queue.
    func apply(to exchange: Exchange, sqsAction: String? = nil, queue: String? = nil,
               then handler: @escaping RequestHandler) {
        if rules.clientHeaders && exchange.request.headers.hasUnderstudyFields,
           let requested = ClientFaultHeaders(exchange.request.headers) {
            let rulesThen: (Exchange, @escaping RequestHandler) -> Void = { [self] exchange, next in
                applyRules(to: exchange, sqsAction: sqsAction, queue: queue, then: next)
            }
            return applyClientHeaders(requested, to: exchange, rules: rulesThen, then: handler)
        }
        applyRules(to: exchange, sqsAction: sqsAction, queue: queue, then: handler)
    }

    private func applyRules(to exchange: Exchange, sqsAction: String?, queue: String?,
                            then handler: @escaping RequestHandler) {
        if rules.generation != generation {
            (index, generation) = rules.snapshot()
            lastSegment = nil
        }
        if index.isEmpty { return handler(exchange) }
        let fired = exchange.request.head.target.utf8.withContiguousStorageIfAvailable { target in
            evaluate(UnsafeRawBufferPointer(target), exchange, sqsAction, queue)
        } ?? {
            var copy = exchange.request.head.target
            return copy.withUTF8 { evaluate(UnsafeRawBufferPointer($0), exchange, sqsAction, queue) }
        }()
        guard let fired else { return handler(exchange) }
        fire(fired.rule, on: exchange, then: handler)
    }

    /// Splits the request target into path and query, percent-decodes the path if it needs
    /// it (rarely), and finds the rule that fires, if one does.
    private func evaluate(_ target: UnsafeRawBufferPointer, _ exchange: Exchange, _ sqsAction: String?,
                          _ queue: String?) -> ActiveFaultRule? {
        let path = UnsafeRawBufferPointer(rebasing: target[..<exchange.request.head.pathByteCount])
        let hasQuery = exchange.request.head.hasQuery
        guard exchange.request.head.pathHasPercent else {
            return firstFiring(path, hasQuery: hasQuery, exchange, sqsAction, queue)
        }
        var decoded = URLEncoding.decode(exchange.request.path)
        return decoded.withUTF8 { firstFiring(UnsafeRawBufferPointer($0), hasQuery: hasQuery, exchange, sqsAction, queue) }
    }

    private func firstFiring(_ path: UnsafeRawBufferPointer, hasQuery: Bool, _ exchange: Exchange, _ sqsAction: String?,
                             _ queue: String?) -> ActiveFaultRule? {
        let list = candidates(forPath: path)
        if list.isEmpty { return nil }
        let pathLength = Int32(clamping: path.count)
        let present = (hasQuery ? FaultCandidate.Requirement.query : 0)
            | (sqsAction == nil ? 0 : FaultCandidate.Requirement.sqsAction) | (queue == nil ? 0 : FaultCandidate.Requirement.queue)
        for block in 0..<list.blockCount {
            var plausible = list.plausible(block: block, pathLength: pathLength, present: present,
                                           requestBits: { exchange.request.headers.nameLengthBits })
            while plausible != 0 {
                let offset = plausible.trailingZeroBitCount
                plausible &= plausible - 1
                let active = index.rules[Int(list.candidates[64 * block + offset].position)]
                if matches(active, path: path, exchange, sqsAction, queue) { return active }
            }
        }
        return nil
    }

    /// The index's list for the path's first segment; a segment of up to eight bytes equal
    /// to the last one reuses its list.
    private func candidates(forPath path: UnsafeRawBufferPointer) -> CandidateList {
        let segment = FaultIndex.firstSegment(of: path)
        guard segment.count <= 8 else { return index.candidates(forSegment: segment) }
        let word = SegmentTable.firstWord(segment)
        if let last = lastSegment, last.word == word, last.count == segment.count { return last.list }
        let list = index.candidates(forSegment: segment)
        lastSegment = (word, segment.count, list)
        return list
    }

    /// The full check of one rule that passed the integer checks; counts the firing if it fires.
    private func matches(_ active: ActiveFaultRule, path: UnsafeRawBufferPointer, _ exchange: Exchange,
                         _ sqsAction: String?, _ queue: String?) -> Bool {
        if let glob = active.rule.match.path, !glob.matches(path) { return false }
        var facts = RequestFacts(exchange.request, sqsAction: sqsAction, queue: queue)
        guard active.rule.match.matchesBeyondPath(&facts), active.isActive(now: exchange.loop.now) else { return false }
        let probability = active.rule.probability
        if probability < 1 && Double.random(in: 0..<1, using: &random) >= probability { return false }
        return active.claimFiring()
    }

    /// Delay first (before the handler, or holding its answer), then the action.
    private func fire(_ rule: FaultRule, on exchange: Exchange, then handler: @escaping RequestHandler) {
        let delay = rule.delay?.sample(maximum: rules.maxDelay, using: &random) ?? .zero
        exchange.reportFault(rule: rule.name, action: Self.describe(rule), delay: delay)
        let maxDelay = rules.maxDelay
        let act: (Exchange) -> Void
        switch rule.action {
        case nil:
            act = handler
        case .respond(let canned):
            act = { $0.respond(canned.response(for: $0)) }
        case .connection(let fault):
            switch fault {
            case .reset, .close, .stall:
                act = { $0.breakConnection(fault, maxDelay: maxDelay) }
            case .trickle, .truncate, .slowHead:
                act = { exchange in
                    exchange.shapeOutput(fault)
                    handler(exchange)
                }
            }
        }
        guard rule.when == .afterEffect, delay > .zero else {
            return delay > .zero ? exchange.after(delay, countsAsDelayed: true, act) : act(exchange)
        }
        // after_effect: the handler runs now and its effect is real; the answer waits.
        let releaseAt = exchange.startedAt &+ UInt64(delay.nanosecondsClamped)
        switch rule.action {
        case nil:
            exchange.holdOutput(until: releaseAt)
            handler(exchange)
        case .connection(let fault) where fault.shapesOutput:
            exchange.holdOutput(until: releaseAt)
            exchange.shapeOutput(fault)
            handler(exchange)
        case .respond, .connection:
            exchange.interceptAnswer { exchange in
                let now = exchange.loop.now
                let remaining = Duration.nanoseconds(Int64(clamping: releaseAt > now ? releaseAt - now : 0))
                let replace: (Exchange) -> Void = { exchange in
                    if case .respond(let canned) = rule.action { exchange.deliver(canned.response(for: exchange)) } else { act(exchange) }
                }
                remaining > .zero ? exchange.after(remaining, countsAsDelayed: true, replace) : replace(exchange)
            }
            handler(exchange)
        }
    }

    /// `X-Understudy-Delay` first; then the rules, in front of `X-Understudy-Status`'s answer
    /// (which replaces the handler) or the handler. A bad value is the client's error (400).
    private func applyClientHeaders(_ requested: ClientFaultHeaders, to exchange: Exchange,
                                    rules applyRules: @escaping (Exchange, @escaping RequestHandler) -> Void,
                                    then handler: @escaping RequestHandler) {
        var delay = Duration.zero
        if let text = requested.delay {
            guard let parsed = ClientFaultHeaders.parseDelay(text) else {
                return exchange.respond(HTTPBinError.response(
                    400, detail: "invalid X-Understudy-Delay \"\(text)\": expected seconds or a duration like 1.5s"))
            }
            guard parsed <= rules.maxDelay else {
                return exchange.respond(HTTPBinError.response(
                    400, detail: "X-Understudy-Delay \(ConfigDuration(parsed)) is above faults.max_delay (\(ConfigDuration(rules.maxDelay)))"))
            }
            delay = parsed
        }
        var next = handler
        if let text = requested.status {
            guard let status = Int(text.trimmingCharacters(in: .whitespaces)), (200...599).contains(status) else {
                return exchange.respond(HTTPBinError.response(
                    400, detail: "invalid X-Understudy-Status \"\(text)\": expected an integer 200-599"))
            }
            next = { $0.respond(ClientFaultHeaders.statusResponse(status)) }
            exchange.reportFault(rule: ClientFaultHeaders.statusName, action: delay > .zero ? "delay+respond" : "respond",
                                 delay: delay)
        } else if delay > .zero {
            exchange.reportFault(rule: ClientFaultHeaders.delayName, action: "delay", delay: delay)
        }
        let proceed: RequestHandler = { exchange in applyRules(exchange, next) }
        delay > .zero ? exchange.after(delay, countsAsDelayed: true, proceed) : proceed(exchange)
    }

    /// `delay`, `respond`, `reset`, `delay+reset`, …: the `action` of a `fault_fired` line.
    static func describe(_ rule: FaultRule) -> String {
        let action: String? = switch rule.action {
        case .respond: "respond"
        case .connection(let fault): fault.name
        case nil: nil
        }
        guard rule.delay != nil else { return action ?? "none" }
        return action.map { "delay+" + $0 } ?? "delay"
    }
}

extension ConnectionFault {
    /// Trickle, truncate and slow head let the handler answer and act on the bytes.
    var shapesOutput: Bool {
        switch self {
        case .trickle, .truncate, .slowHead: true
        case .reset, .close, .stall: false
        }
    }
}

extension CannedResponse {
    /// The answer for this exchange: an `sqs_error` in the request's SQS protocol (JSON 1.0
    /// when the request was not an SQS call), else status, fields and body as given.
    func response(for exchange: Exchange) -> HTTPResponse {
        guard let sqsError else { return response }
        var error = SQSErrorCatalog.error(named: sqsError)
        if hasStatus { error.status = status }
        var answer = (exchange.sqsWire ?? .json).failure(error, requestID: exchange.requestID)
        for (name, value) in headers { answer.headers.add(name, value) }
        return answer
    }

    var response: HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders(headers), body: Array(body.utf8))
    }
}
