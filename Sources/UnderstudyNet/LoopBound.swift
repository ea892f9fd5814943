/// Carries loop-owned state into a `@Sendable` closure; touching `value` off its loop traps
/// in debug builds. The only `@unchecked Sendable` wrapper besides `EventLoop` itself.
public struct LoopBound<Value>: @unchecked Sendable {
    public let loop: EventLoop
    private let stored: Value

    public init(_ value: Value, on loop: EventLoop) {
        self.loop = loop
        self.stored = value
    }

    public var value: Value {
        loop.assertInLoop()
        return stored
    }
}
