/// The status codes a check accepts, written as ALB's matcher is: `200`, `200,202`,
/// `200-299`, or a mix (`200,202,300-399`).
public struct StatusMatcher: Equatable, Sendable, CustomStringConvertible {
    public var ranges: [ClosedRange<Int>]

    public init(_ ranges: [ClosedRange<Int>]) { self.ranges = ranges }

    public init(parsing text: String) throws(ClientArgumentError) {
        var ranges: [ClosedRange<Int>] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count),
                  let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]),
                  (100...599).contains(low), (100...599).contains(high), low <= high else {
                throw .invalidMatcher(text)
            }
            ranges.append(low...high)
        }
        self.init(ranges)
    }

    public func matches(_ status: Int) -> Bool { ranges.contains { $0.contains(status) } }

    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}
