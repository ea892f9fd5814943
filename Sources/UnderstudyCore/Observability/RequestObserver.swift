/// A finished request, as the access log, metrics and (later) events see it.
public struct CompletedRequest: Sendable {
    public var plane: String
    public var requestID: String
    public var connectionID: UInt64
    public var requestNumber: Int
    public var method: String
    public var path: String
    public var route: String
    /// The fault rule that fired on the request, if any.
    public var fault: String?
    public var status: Int
    public var bytesIn: Int
    public var bytesOut: Int
    public var durationNanoseconds: UInt64
    public var remoteAddress: String
    /// What a gateway did with the request (target, timings, trace id); nil elsewhere.
    public var proxy: ProxyRecord? = nil
}

/// Receives every finished request, and every opened and closed connection, on the loop
/// that had it.
protocol RequestObserver: AnyObject {
    func requestCompleted(_ request: CompletedRequest)
    func connectionOpened(_ connection: HTTPConnection)
    func connectionClosed(_ connection: HTTPConnection, reason: CloseReason)
    func faultFired(_ firing: FaultFiring)
}

extension RequestObserver {
    func connectionOpened(_ connection: HTTPConnection) {}
}

/// A fault rule firing on one request: logged as `fault_fired`, counted per rule.
public struct FaultFiring: Sendable {
    public var rule: String
    /// `delay`, `respond`, or the connection fault's name; `delay+reset` for both.
    public var action: String
    public var delayNanoseconds: UInt64
    public var requestID: String
    public var connectionID: UInt64
    public var method: String
    public var path: String

    /// Its fields, as the `fault_fired` log line and event carry them.
    func add(to line: inout JSONLine) {
        line.add("rule", rule)
        line.add("action", action)
        line.add("delay_ms", milliseconds: delayNanoseconds)
        line.add("request_id", requestID)
        line.add("connection_id", connectionID)
        line.add("method", method)
        line.add("path", path)
    }
}
