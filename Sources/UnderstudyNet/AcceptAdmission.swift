/// Decides whether an `Acceptor` may take another connection now (worker slots, Apache's
/// accept limits). Asked on the acceptor's loop before each `accept`; when it says no, the
/// acceptor stops polling until the admission calls the `wake` it was given.
public protocol AcceptAdmission: AnyObject, Sendable {
    /// Takes room for one connection and returns true; or, when there is none, keeps
    /// `wake` to call (from any thread) once there may be room again, and returns false.
    func admitConnection(orWake wake: @escaping @Sendable () -> Void) -> Bool
    /// Gives back room taken by `admitConnection` that no connection used (nothing waited).
    func returnUnusedAdmission()
}
