import Foundation

/// A rule's delay: fixed, or drawn per request from a distribution. Sampled values are
/// clamped to `[0, faults.max_delay]`; a fixed delay above the maximum is refused when the
/// rule is loaded instead (never silently shortened).
public enum DelaySpec: Equatable, Sendable {
    case fixed(Duration)
    case uniform(Duration, Duration)
    case normal(mean: Duration, stddev: Duration)
    case lognormal(median: Duration, sigma: Double)
    case exponential(mean: Duration)

    /// One delay for one request.
    public func sample(maximum: Duration, using random: inout some RandomNumberGenerator) -> Duration {
        let seconds: Double
        switch self {
        case .fixed(let value):
            return min(value, maximum)
        case .uniform(let low, let high):
            seconds = low.seconds + (high.seconds - low.seconds) * Double.random(in: 0..<1, using: &random)
        case .normal(let mean, let stddev):
            seconds = mean.seconds + stddev.seconds * Self.standardNormal(using: &random)
        case .lognormal(let median, let sigma):
            seconds = median.seconds * exp(sigma * Self.standardNormal(using: &random))
        case .exponential(let mean):
            // 1 - U is in (0, 1]: log never sees 0.
            seconds = -mean.seconds * log(1 - Double.random(in: 0..<1, using: &random))
        }
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return seconds >= maximum.seconds ? maximum : .nanoseconds(Int64(seconds * 1e9))
    }

    /// Box–Muller: one standard normal value from two uniforms.
    private static func standardNormal(using random: inout some RandomNumberGenerator) -> Double {
        let u1 = 1 - Double.random(in: 0..<1, using: &random)   // (0, 1]
        let u2 = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// A small, fast generator (SplitMix64) for per-loop rolls and samples; seedable, so a test
/// can check a distribution's quantiles from a fixed seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Seeded from the system's generator.
    public init() { self.init(seed: UInt64.random(in: 0...UInt64.max)) }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
