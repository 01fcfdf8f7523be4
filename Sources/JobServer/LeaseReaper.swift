import JobStore
import Logging
import ServiceLifecycle

/// Rescues tasks whose worker stopped renewing their lease (killed, machine lost), once every
/// `interval`. Several `jobserver` processes may run it at once (SKIP LOCKED).
public struct LeaseReaper: Service {
    let store: TaskRunStore
    let interval: Duration
    let logger: Logger

    public init(store: TaskRunStore, interval: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Cancelled on graceful shutdown: that ends the loop normally, not as a failure.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let rescued = try await store.rescueExpiredLeases()
                    if rescued > 0 { logger.warning("rescued tasks with expired leases", metadata: ["count": "\(rescued)"]) }
                } catch {
                    logger.warning("lease reaper pass failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
