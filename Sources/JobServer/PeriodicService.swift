import JobStore
import Logging
import ServiceLifecycle

/// A background loop that runs one pass every `interval` until graceful shutdown: the lease
/// reaper and the task count compactor are two. A failed pass is logged and the next one runs
/// on schedule; several `jobserver` processes may run the same loop (each pass's SQL takes its
/// rows with SKIP LOCKED or an advisory lock).
public struct PeriodicService: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let pass: @Sendable () async throws -> Void

    /// - Parameters:
    ///   - name: for the log line of a failed pass.
    ///   - pass: one unit of work; thrown errors are logged, never fatal.
    public init(name: String, interval: Duration = .seconds(1), logger: Logger, pass: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.pass = pass
    }

    public func run() async throws {
        // Cancelled on graceful shutdown: that ends the loop normally, not as a failure.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await pass()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("background pass failed", metadata: ["loop": "\(name)", "error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}

extension PeriodicService {
    /// Rescues tasks whose worker stopped renewing their lease (killed, machine lost): retried if
    /// attempts remain, else failed (SKIP LOCKED between processes).
    public static func leaseReaper(store: TaskRunStore, logger: Logger) -> PeriodicService {
        PeriodicService(name: "lease reaper", logger: logger) {
            let rescued = try await store.rescueExpiredLeases()
            if rescued > 0 { logger.warning("rescued tasks with expired leases", metadata: ["count": "\(rescued)"]) }
        }
    }

    /// Folds the task counters' delta rows into `task_counts` (migration 0002), so the list's
    /// `total` sums a small table.
    public static func taskCountCompactor(store: TaskStore, logger: Logger) -> PeriodicService {
        PeriodicService(name: "task count compactor", logger: logger) { try await store.compactCounts() }
    }
}
