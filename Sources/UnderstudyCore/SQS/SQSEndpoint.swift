import UnderstudyHTTP
import UnderstudyNet

/// The SQS API on the data plane (PRODUCT.md, "Routing"): it owns `POST /` carrying
/// `X-Amz-Target: AmazonSQS.*` or a form `Action=`, and `POST /{12-digit account}/{queue}`.
/// It decodes either protocol, checks the signature when asked to, hands the action and
/// queue to the loop's fault gate, runs the action and answers once its changes are durable.
struct SQSEndpoint: Sendable {
    let store: QueueStore
    let verifier: SigV4Verifier?

    /// Whether the request is an SQS call (cheap: method and path first).
    static func claims(_ request: HTTPRequest) -> Bool {
        guard request.method == "POST" else { return false }
        let path = request.path
        if path == "/" {
            if let target = request.headers["X-Amz-Target"] { return target.hasPrefix("AmazonSQS.") }
            return SQSRequestDecoder.formHasAction(request)
        }
        return SQSRequestDecoder.accountQueue(path) != nil
    }

    func handle(_ exchange: Exchange, gate: FaultGate) {
        let call: SQSCall
        switch SQSRequestDecoder.decode(exchange.request) {
        case .success(let decoded): call = decoded
        case .failure(let failure):
            exchange.route = "sqs"
            exchange.sqsWire = failure.wire
            return exchange.respond(failure.wire.failure(failure.error, requestID: exchange.requestID))
        }
        exchange.sqsWire = call.wire
        exchange.route = SQSActions.names.contains(call.action) ? "sqs:" + call.action : "sqs"
        if let verifier {
            let outcome = verifier.verify(method: exchange.request.method, target: exchange.request.target,
                                          headers: exchange.request.headers.fields.map { ($0.name, $0.value) },
                                          body: exchange.request.body)
            if let error = outcome.sqsError {
                return exchange.respond(call.wire.failure(error, requestID: exchange.requestID))
            }
        }
        gate.apply(to: exchange, sqsAction: call.action, queue: call.queueHint) { exchange in
            run(call, on: exchange)
        }
    }

    private func run(_ call: SQSCall, on exchange: Exchange) {
        let host = exchange.request.headers["Host"] ?? "localhost"
        let context = SQSActions.Context(scheme: exchange.scheme, host: host, accountID: store.accountID,
                                         pathQueue: call.pathQueue)
        let wire = call.wire, action = call.action, requestID = exchange.requestID
        if action == "ReceiveMessage" {
            let request: SQSReceive.Request
            do {
                request = try SQSReceive.parse(call.input, queue: try SQSActions(store: store).queueName(call.input, context))
            } catch {
                return exchange.respond(wire.failure(error, requestID: requestID))
            }
            return SQSReceive(store: store).run(request, exchange: exchange) { [store] outcome in
                switch outcome {
                case .success(let (result, ticket)):
                    answer(exchange, wire.success(action: action, result: result, requestID: requestID), after: ticket, store: store)
                case .failure(let error):
                    exchange.respond(wire.failure(error, requestID: requestID))
                }
            }
        }
        do {
            let outcome = try SQSActions(store: store).perform(action, call.input, context)
            answer(exchange, wire.success(action: action, result: outcome.result, requestID: requestID),
                   after: outcome.ticket, store: store)
        } catch {
            exchange.respond(wire.failure(error, requestID: requestID))
        }
    }

    /// Answers now, or — with storage — once the action's changes are durable, on the
    /// exchange's own loop.
    private func answer(_ exchange: Exchange, _ response: HTTPResponse, after ticket: UInt64?, store: QueueStore) {
        guard let ticket else { return exchange.respond(response) }
        let bound = LoopBound(exchange, on: exchange.loop)
        store.afterDurable(ticket) {
            bound.loop.execute { bound.value.respond(response) }
        }
    }
}
