/// When a failed run is tried again: exponential backoff with full jitter, capped.
///
/// The delay before attempt `n + 1` (after `n` failed attempts) is a random value in
/// `[base * 2^(n-1) / 2, base * 2^(n-1)]`, at most `maximum`: half fixed, half jitter, so
/// retries of many tasks that failed together spread out but never come back at once.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all (the first run included).
    public var maxAttempts: Int
    /// The first retry's delay, in seconds.
    public var base: Double
    /// The longest delay, in seconds.
    public var maximum: Double

    public init(maxAttempts: Int, base: Double, maximum: Double) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = max(0, base)
        self.maximum = max(0, maximum)
    }

    /// Whether a task that has run `attempt` times may run again.
    public func allowsRetry(afterAttempt attempt: Int) -> Bool { attempt < maxAttempts }

    /// Seconds to wait after failed attempt number `attempt` (1-based), with `random` in [0, 1].
    public func delay(afterAttempt attempt: Int, random: Double) -> Double {
        let exponent = min(max(attempt - 1, 0), 62)
        let ceiling = min(maximum, base * Double(1 << UInt64(min(exponent, 52))))
        return ceiling / 2 + ceiling / 2 * min(max(random, 0), 1)
    }
}
