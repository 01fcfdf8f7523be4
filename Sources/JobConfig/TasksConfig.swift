/// `tasks:` — limits and defaults for tasks.
public struct TasksConfig: Sendable, Equatable {
    /// Most task ids in one `status_task` request (code 4002 beyond). Default 100.
    public var maxStatusTask = 100
    /// Most tasks in one bulk `create_task` request (code 4002 beyond). Default 1,000.
    public var maxBulkCreate = 1_000
    /// Attempts a task gets unless it or its service says otherwise. Default 3.
    public var defaultMaxAttempts = 3
    /// Seconds a run may take before it fails with "timeout". Default 3,600.
    public var defaultTimeout = 3_600.0
    /// First retry delay in seconds; doubles each attempt, with jitter. Default 1.
    public var backoffBase = 1.0
    /// Longest retry delay in seconds. Default 600.
    public var backoffMax = 600.0
    /// Largest `result` a task may store, in bytes of JSON. Default 1 MiB.
    public var maxResultBytes = 1 << 20

    public init() {}

    init(_ r: ConfigReader) {
        let d = TasksConfig()
        maxStatusTask = r.int("max_status_task", default: d.maxStatusTask, in: 1...10_000)
        maxBulkCreate = r.int("max_bulk_create", default: d.maxBulkCreate, in: 1...100_000)
        defaultMaxAttempts = r.int("default_max_attempts", default: d.defaultMaxAttempts, in: 1...1_000)
        defaultTimeout = r.seconds("default_timeout", default: d.defaultTimeout, in: 0.001...(86_400 * 30))
        backoffBase = r.seconds("backoff_base", default: d.backoffBase, in: 0...86_400)
        backoffMax = r.seconds("backoff_max", default: d.backoffMax, in: 0...(86_400 * 7))
        maxResultBytes = r.int("max_result_bytes", default: d.maxResultBytes, in: 1...(1 << 30))
        if backoffMax < backoffBase { r.fail("backoff_max", "must not be less than tasks.backoff_base") }
    }
}
