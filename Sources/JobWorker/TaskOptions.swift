/// A service's own limits, declared where its function is registered. Where a task carries its
/// own values (`max_attempts`, `timeout` at creation), the stricter of the two applies.
public struct TaskOptions: Sendable, Equatable {
    /// Most runs of one task (the first included); nil: the task's own value.
    public var maxAttempts: Int?
    /// Longest run; nil: the task's own `timeout`.
    public var timeout: Duration?
    /// First retry delay in seconds; doubles per attempt with jitter. nil: `tasks.backoff_base`.
    public var backoffBase: Double?
    /// Longest retry delay in seconds. nil: `tasks.backoff_max`.
    public var backoffMax: Double?

    public init(maxAttempts: Int? = nil, timeout: Duration? = nil, backoffBase: Double? = nil, backoffMax: Double? = nil) {
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
    }
}

/// Thrown by a task function for a failure that retrying cannot fix: the task fails at once,
/// whatever attempts it has left.
public struct PermanentFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}
