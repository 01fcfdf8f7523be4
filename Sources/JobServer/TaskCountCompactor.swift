import JobStore
import Logging
import ServiceLifecycle

/// Folds the task counters' delta rows into `task_counts` once every `interval` (migration 0002),
/// so that the list's `total` sums a small table. Several `jobserver` processes may run it at
/// once (the SQL function lets one of them do the work).
public struct TaskCountCompactor: Service {
    let store: TaskStore
    let interval: Duration
    let logger: Logger

    public init(store: TaskStore, interval: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Cancelled on graceful shutdown: that ends the loop normally, not as a failure.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.compactCounts()
                } catch {
                    logger.warning("task count compaction failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
