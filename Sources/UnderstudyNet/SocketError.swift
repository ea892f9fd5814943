#if canImport(Glibc)
import Glibc
#endif

/// A failed socket call: which operation, on what, and the errno it returned.
public struct SocketError: Error, Equatable, CustomStringConvertible {
    public var operation: String
    public var target: String
    public var code: Int32

    public init(_ operation: String, _ target: String, code: Int32) {
        self.operation = operation
        self.target = target
        self.code = code
    }

    /// `bind 0.0.0.0:8080: Address already in use`
    public var description: String {
        "\(operation) \(target): \(String(cString: strerror(code)))"
    }
}
