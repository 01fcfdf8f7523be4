import Glibc

/// A point on the monotonic clock, in nanoseconds. Protocol state machines take it as a
/// parameter (an injected clock); IO code reads ``now()``.
public struct MonotonicTime: Comparable, Hashable, Sendable {
    /// Nanoseconds since an arbitrary, fixed origin.
    public var nanoseconds: UInt64

    /// Creates a time from nanoseconds since the clock's origin.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current time of `CLOCK_MONOTONIC`.
    public static func now() -> MonotonicTime {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicTime(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    public static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// This time plus a (non-negative) duration.
    public static func + (lhs: MonotonicTime, rhs: Duration) -> MonotonicTime {
        MonotonicTime(nanoseconds: lhs.nanoseconds &+ rhs.nanosecondsClamped)
    }

    /// The duration from `earlier` to this time (zero if `earlier` is later).
    public func duration(since earlier: MonotonicTime) -> Duration {
        .nanoseconds(Int64(nanoseconds >= earlier.nanoseconds ? nanoseconds - earlier.nanoseconds : 0))
    }
}

extension Duration {
    /// The duration in whole nanoseconds, negative durations as zero.
    public var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
