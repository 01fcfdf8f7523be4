/// Exponential backoff with jitter for reconnecting: attempt n waits a random time between
/// `(1 - jitter)` and 1 times `min(maximum, initial * multiplier^(n-1))`.
public struct Backoff: Sendable, Equatable {
    /// Delay before the first retry.
    public var initial: Duration
    /// Upper bound of any delay.
    public var maximum: Duration
    /// Growth per attempt.
    public var multiplier: Double
    /// Fraction of the delay that is random (0: none, 1: "full jitter").
    public var jitter: Double

    /// 0.2 s doubling up to 30 s, half of it random.
    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(30),
                multiplier: Double = 2, jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before retry number `attempt` (1-based), drawing the jitter from `generator`.
    public func delay<G: RandomNumberGenerator>(attempt: Int, using generator: inout G) -> Duration {
        let base = Self.seconds(initial) * pow(multiplier, Double(max(attempt, 1) - 1))
        let capped = min(base, Self.seconds(maximum))
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...1, using: &generator) : 1
        return .milliseconds(Int64((capped * factor * 1000).rounded()))
    }

    /// The delay before retry number `attempt`, with the system random generator.
    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(min(exponent, 64)) { result *= base }
        return result
    }
}
