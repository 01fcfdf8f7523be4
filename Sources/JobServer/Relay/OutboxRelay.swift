import AMQP
import JobConfig
import JobStore
import Logging
import Postgres
import ServiceLifecycle

/// Publishes committed outbox entries to RabbitMQ with publisher confirms, then deletes them.
///
/// LISTEN/NOTIFY on `task_outbox` (sent at commit by a trigger) wakes it, so a publish follows
/// a commit within milliseconds; a timer also wakes it when a delayed entry (a `delay` or a
/// retry's `run_at`) falls due, and once a second regardless. Entries go out in batches,
/// highest priority first. Several `jobserver` processes may run relays at once: row locks
/// with SKIP LOCKED keep them from publishing the same entry. While RabbitMQ is down, entries
/// stay in the table and the backlog drains when the broker returns.
public struct OutboxRelay: Service {
    public var batchSize = 500
    let store: OutboxStore
    let publisher: TaskPublisher
    let database: PostgresConfiguration
    let logger: Logger

    /// - Parameter publisher: shared with the handoff (and so are its declared queues).
    public init(store: OutboxStore, publisher: TaskPublisher, database: PostgresConfiguration, logger: Logger) {
        self.store = store
        self.publisher = publisher
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        let wake = WakeSignal()
        do {
            try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await listen(wake: wake) }
                group.addTask { try await drainLoop(wake: wake) }
            }
            }
        } catch is CancellationError {
            // Graceful shutdown cancels the loops; that is a normal end.
        }
    }

    /// Turns notifications (and listener reconnects, after which some may have been missed)
    /// into wake-ups; retries the listener's first connection while the database is down.
    private func listen(wake: WakeSignal) async throws {
        while !Task.isCancelled {
            do {
                let listener = try await PostgresListener.start(configuration: database, channels: ["task_outbox"], logger: logger)
                wake.signal()
                await withTaskCancellationHandler {
                    for await _ in listener.events { wake.signal() }
                } onCancel: {
                    listener.stop()
                }
            } catch {
                logger.warning("outbox listener cannot connect; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func drainLoop(wake: WakeSignal) async throws {
        var failures = 0
        while !Task.isCancelled {
            do {
                // Polled, not awaited: waitUntilConnected() does not end on cancellation, and a
                // graceful shutdown while the broker is down must not hang here.
                while await !publisher.amqp.isConnected { try await Task.sleep(for: .milliseconds(100)) }
                let pass = try await store.drain(limit: batchSize) { await publisher.publish($0) }
                // Tasks committed during the pass (a notification came): the next pass at once,
                // without asking when the next delayed entry falls due.
                if pass.taken < batchSize || !pass.committed, !(pass.committed && wake.takePending()) {
                    let due = try await store.secondsUntilNextDue()
                    try await wake.wait(upTo: .seconds(min(due ?? 1, 1)))
                }
                failures = pass.committed ? 0 : failures + 1
                if failures > 0 { try await Task.sleep(for: .milliseconds(min(50 << min(failures, 6), 2_000))) }
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                logger.warning("outbox relay pass failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .milliseconds(min(100 << min(failures, 5), 2_000)))
            }
        }
    }

}
