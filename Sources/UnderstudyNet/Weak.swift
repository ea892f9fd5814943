/// A weak reference as a value, for handing an object that may go away to a later callback.
public struct Weak<Object: AnyObject> {
    public weak var object: Object?

    public init(_ object: Object?) {
        self.object = object
    }
}
