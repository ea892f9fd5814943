import UnderstudyNet

/// Lets another thread (the SIGINT watcher, a test) end a probe or load run early; the
/// run registers what stopping means once it has started. Safe to call before that.
public final class StopSignal: Sendable {
    private let state = Locked<(requested: Bool, action: (@Sendable () -> Void)?)>((false, nil))

    public init() {}

    public func stop() {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            state.requested = true
            return state.action
        }
        action?()
    }

    func onStop(_ action: @escaping @Sendable () -> Void) {
        let alreadyRequested = state.withLock { state -> Bool in
            state.action = action
            return state.requested
        }
        if alreadyRequested { action() }
    }
}
