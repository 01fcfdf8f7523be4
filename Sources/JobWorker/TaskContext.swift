import Logging
import Synchronization

/// What a task function knows about its run: which task, which attempt, a logger carrying the
/// task id, progress reporting, and the deadline. Cancellation (a client's `cancel_task`, the
/// timeout, or a worker shutdown past its grace period) arrives as Swift task cancellation:
/// check `Task.isCancelled` or call `try Task.checkCancellation()` in long loops, and
/// `Task.sleep` throws when cancelled.
public struct TaskContext: Sendable {
    /// The task id (`ts_<service>_<hex>`).
    public let taskID: String
    /// This run's attempt number: 1 for the first run.
    public let attempt: Int
    /// The service the task belongs to.
    public let service: String
    /// Logs with `task_id` and `attempt` in the metadata.
    public var logger: Logger { taskLogger.logger }
    let taskLogger: TaskLogger
    /// When the run times out.
    public let deadline: ContinuousClock.Instant
    let reportProgress: @Sendable (Double, String?) async -> Void

    public init(
        taskID: String, attempt: Int, service: String, logger: Logger, deadline: ContinuousClock.Instant,
        reportProgress: @escaping @Sendable (Double, String?) async -> Void
    ) {
        self.init(taskID: taskID, attempt: attempt, service: service, taskLogger: TaskLogger(base: logger, metadata: [:]),
                  deadline: deadline, reportProgress: reportProgress)
    }

    init(
        taskID: String, attempt: Int, service: String, taskLogger: TaskLogger, deadline: ContinuousClock.Instant,
        reportProgress: @escaping @Sendable (Double, String?) async -> Void
    ) {
        self.taskID = taskID
        self.attempt = attempt
        self.service = service
        self.taskLogger = taskLogger
        self.deadline = deadline
        self.reportProgress = reportProgress
    }

    /// Reports progress (clamped to 0...1) and an optional message, visible in `status_task`.
    /// Frequent calls are cheap: the worker writes at most a few per second per task.
    public func progress(_ fraction: Double, _ message: String? = nil) async {
        await reportProgress(min(max(fraction.isFinite ? fraction : 0, 0), 1), message)
    }
}

/// A run's logger with `task_id` and `attempt` in its metadata, made on first use: setting
/// metadata re-renders the handler's metadata text each time, work a no-op task that never
/// logs need not pay for (a few percent of the worker's CPU per task).
final class TaskLogger: Sendable {
    private let made = Mutex<Logger?>(nil)
    private let base: Logger
    private let metadata: Logger.Metadata

    /// `base` with `metadata` added, when first used.
    init(base: Logger, metadata: Logger.Metadata) {
        self.base = base
        self.metadata = metadata
    }

    var logger: Logger {
        made.withLock { made in
            if let made { return made }
            var logger = base
            for (key, value) in metadata { logger[metadataKey: key] = value }
            made = logger
            return logger
        }
    }
}
