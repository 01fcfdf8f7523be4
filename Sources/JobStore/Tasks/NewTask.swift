import JobCore

/// A validated task to create (the API layer checks every field before building one).
public struct NewTask: Sendable, Equatable {
    public var id: TaskID
    public var service: ServiceName
    /// The condition as compact JSON text; stored as jsonb.
    public var condition: String
    public var priority: Int
    public var tag: String?
    public var batch: String
    public var maxAttempts: Int
    public var timeoutSeconds: Double
    /// Seconds from now before the task may run (0: at once).
    public var delaySeconds: Double
    /// true: queued at once (`waiting`); false: stored as `ready`.
    public var start: Bool
    public var idempotencyKey: String?

    public init(
        id: TaskID, service: ServiceName, condition: String, priority: Int, tag: String?, batch: String,
        maxAttempts: Int, timeoutSeconds: Double, delaySeconds: Double, start: Bool, idempotencyKey: String?
    ) {
        self.id = id
        self.service = service
        self.condition = condition
        self.priority = priority
        self.tag = tag
        self.batch = batch
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.delaySeconds = delaySeconds
        self.start = start
        self.idempotencyKey = idempotencyKey
    }
}

/// Whose tasks a caller may see: a user sees their own; admins and consumers see all.
public enum TaskScope: Sendable, Equatable {
    case all
    case owner(String)

    /// The owner to filter on, or nil for all.
    var ownerFilter: String? {
        if case .owner(let name) = self { return name }
        return nil
    }
}

/// Which tasks a bulk action addresses: ids, or a filter (at least one field set).
public enum TaskSelector: Sendable, Equatable {
    case ids([String])
    case filter(TaskFilter)
}

/// Filter fields of bulk actions and lists; nil fields do not filter.
public struct TaskFilter: Sendable, Equatable {
    public var service: String?
    public var status: TaskStatus?
    public var batch: String?
    public var tag: String?
    public var workerID: String?

    public init(service: String? = nil, status: TaskStatus? = nil, batch: String? = nil, tag: String? = nil, workerID: String? = nil) {
        self.service = service
        self.status = status
        self.batch = batch
        self.tag = tag
        self.workerID = workerID
    }

    /// Whether no field is set (an empty filter never means "all tasks").
    public var isEmpty: Bool { service == nil && status == nil && batch == nil && tag == nil && workerID == nil }
}

/// Why a task action was refused.
public enum TaskStoreError: Error, Sendable, Equatable {
    /// No such task, or not the caller's (indistinguishable on purpose).
    case notFound(String)
    /// The task's current status does not allow the action.
    case conflict(taskID: String, status: TaskStatus)
}
