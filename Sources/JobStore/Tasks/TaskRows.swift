import JobCore

/// One item of `status_task`.
public struct TaskStatusRow: Sendable, Equatable {
    public var taskID: String
    public var status: TaskStatus
    public var message: String
    public var progress: Double?
    public var startTime: String?
    public var endTime: String?
}

/// What `result_task` returns.
public struct TaskResultRow: Sendable, Equatable {
    public var taskID: String
    public var status: TaskStatus
    public var message: String
    /// The result as JSON text, or nil.
    public var result: String?
    public var startTime: String?
    public var endTime: String?
    /// Seconds from start to end (to now while running); nil before the first start.
    public var spendTime: Double?
}

/// One item of the `tasks` list.
public struct TaskListRow: Sendable, Equatable {
    public var taskID: String
    public var service: String
    public var status: TaskStatus
    /// The condition as JSON text.
    public var condition: String
    public var priority: Int
    public var tag: String?
    public var batch: String
    public var attempt: Int
    public var createTime: String
    public var startTime: String?
    public var endTime: String?
}

/// A page of the `tasks` list.
public struct TaskPage: Sendable, Equatable {
    /// Tasks matching the filter, over all pages.
    public var total: Int
    public var items: [TaskListRow]
    /// Pass as `cursor` for the next page (keyset paging); nil on the last page.
    public var nextCursor: String?
}

/// One item of `summary`: counts and run times per (service, batch).
public struct TaskSummaryRow: Sendable, Equatable {
    public var service: String
    public var batch: String
    public var counts: [TaskStatus: Int]
    public var averageSpendTime: Double?
    public var p50SpendTime: Double?
    public var p95SpendTime: Double?
    public var firstCreateTime: String?
    public var lastUpdateTime: String?
}
