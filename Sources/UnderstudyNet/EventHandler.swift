/// Something an `EventLoop` polls: a connection or a listener, called on its loop with
/// the readiness bits (`Readiness`) of one `epoll_wait` result.
public protocol EventHandler: AnyObject {
    func handleEvents(_ readiness: Readiness)
}

/// The readiness bits the loop reports, named.
public struct Readiness: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readable = Readiness(rawValue: 0x001)
    public static let writable = Readiness(rawValue: 0x004)
    public static let error = Readiness(rawValue: 0x008)
    public static let hangup = Readiness(rawValue: 0x010)
    public static let readHangup = Readiness(rawValue: 0x2000)
}
