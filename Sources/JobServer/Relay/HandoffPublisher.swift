import JobStore
import Logging
import PosixIO
import ServiceLifecycle

/// Publishes the tasks this server has just created, right after their commit, so that a
/// worker gets them without waiting for a relay pass; then removes their outbox entries. The
/// relay remains the guarantee: an entry not removed within ``windowSeconds`` (the server died,
/// the broker did not confirm, the buffer was full) is published by the relay when it falls due,
/// at worst once more (harmless: a message is a wake-up, and a claim takes a task once).
///
/// `TaskStore` calls ``committed(_:)`` after each create statement; this service's loop
/// publishes each statement's tasks as one batch, with several batches waiting for their
/// confirms at once. A batch that waited in the buffer for half the window (a burst of bulk
/// creates faster than the broker takes them) is left to the relay instead: published by both,
/// every task of a burst would reach the workers twice.
public final class HandoffPublisher: Service, TaskHandoff {
    /// How long the relay leaves a handed-off entry alone.
    public let windowSeconds: Double
    let publisher: TaskPublisher
    let outbox: OutboxStore
    let logger: Logger
    let maxInFlight: Int
    private let batches: AsyncStream<Batch>
    private let continuation: AsyncStream<Batch>.Continuation

    /// One create statement's tasks and when they were committed.
    private struct Batch: Sendable {
        var entries: [OutboxStore.Entry]
        var committedAt: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - publisher: shared with the relay (and so are its declared queues).
    ///   - outbox: where the published entries are removed (with `batchingRemovals` in a server).
    ///   - windowSeconds: how long the relay leaves a handed-off entry alone (> 1).
    ///   - maxInFlight: batches waiting for their confirms at once.
    ///   - bufferedBatches: committed batches waiting to be published; beyond, they are dropped.
    public init(publisher: TaskPublisher, outbox: OutboxStore, windowSeconds: Double = 5, maxInFlight: Int = 64,
                bufferedBatches: Int = 1_024, logger: Logger) {
        self.publisher = publisher
        self.outbox = outbox
        self.windowSeconds = windowSeconds
        self.maxInFlight = maxInFlight
        self.logger = logger
        // Beyond the buffer, batches are dropped: the relay publishes them after the window.
        (batches, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(bufferedBatches))
    }

    public func committed(_ entries: [OutboxStore.Entry]) {
        continuation.yield(Batch(entries: entries, committedAt: .now))
    }

    public func run() async {
        // On graceful shutdown the loop ends; what is still buffered is left to the relay.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                let stale = Duration.seconds(self.windowSeconds / 2)
                for await batch in self.batches {
                    if running == self.maxInFlight {
                        await group.next()
                        running -= 1
                    }
                    guard ContinuousClock.now - batch.committedAt < stale else { continue }
                    group.addTask { await self.publishAndRemove(batch.entries) }
                    running += 1
                }
            }
        }
    }

    private func publishAndRemove(_ entries: [OutboxStore.Entry]) async {
        // Without a connection every outcome is `.notSent`: nothing is removed.
        StageTrace.mark("handoff.publish", entries.map(\.taskID))
        let confirmed = await publisher.publish(entries)
        StageTrace.mark("handoff.confirmed", entries.map(\.taskID))
        let ids = zip(entries, confirmed).compactMap { $1 ? $0.outboxID : nil }
        do {
            try await outbox.removePublished(ids)
        } catch {
            logger.warning("cannot remove published outbox entries; the relay publishes them again",
                           metadata: ["count": "\(ids.count)", "error": "\(error)"])
        }
    }
}
