import JobStore
import Logging
import PosixIO
import ServiceLifecycle
import Synchronization

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
///
/// The confirmed entries are removed together every ``removalInterval`` at most (one statement
/// per 1,000 entries), not one statement per create statement: nothing waits for a removal but
/// the relay, a window later, and a statement costs PostgreSQL about as much for a few entries
/// as for hundreds.
public final class HandoffPublisher: Service, TaskHandoff {
    /// How long the relay leaves a handed-off entry alone.
    public let windowSeconds: Double
    /// How long confirmed entries gather before one statement removes them.
    public let removalInterval: Duration
    let publisher: TaskPublisher
    let outbox: OutboxStore
    let logger: Logger
    let maxInFlight: Int
    private let batches: AsyncStream<Batch>
    private let continuation: AsyncStream<Batch>.Continuation
    private let confirmed = ConfirmedEntries()

    /// One create statement's tasks and when they were committed.
    private struct Batch: Sendable {
        var entries: [OutboxStore.Entry]
        var committedAt: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - publisher: shared with the relay (and so are its declared queues).
    ///   - outbox: where the published entries are removed.
    ///   - windowSeconds: how long the relay leaves a handed-off entry alone (> 1).
    ///   - removalInterval: how long confirmed entries gather before one statement removes them
    ///     (far below the window).
    ///   - maxInFlight: batches waiting for their confirms at once.
    ///   - bufferedBatches: committed batches waiting to be published; beyond, they are dropped.
    public init(publisher: TaskPublisher, outbox: OutboxStore, windowSeconds: Double = 5,
                removalInterval: Duration = .milliseconds(50), maxInFlight: Int = 64,
                bufferedBatches: Int = 1_024, logger: Logger) {
        self.publisher = publisher
        self.outbox = outbox
        self.windowSeconds = windowSeconds
        self.removalInterval = removalInterval
        self.maxInFlight = maxInFlight
        self.logger = logger
        // Beyond the buffer, batches are dropped: the relay publishes them after the window.
        (batches, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(bufferedBatches))
    }

    public func committed(_ entries: [OutboxStore.Entry]) {
        continuation.yield(Batch(entries: entries, committedAt: .now))
    }

    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.removeConfirmed() }
            // On graceful shutdown what is still buffered is left to the relay; the batches in
            // flight get their confirms, then the remover removes what was confirmed and ends.
            await cancelWhenGracefulShutdown { await self.publishBatches() }
            confirmed.finish()
        }
    }

    private func publishBatches() async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            let stale = Duration.seconds(windowSeconds / 2)
            for await batch in batches {
                if running == maxInFlight {
                    await group.next()
                    running -= 1
                }
                guard ContinuousClock.now - batch.committedAt < stale else { continue }
                group.addTask { await self.publishAndRemove(batch.entries) }
                running += 1
            }
        }
    }

    private func publishAndRemove(_ entries: [OutboxStore.Entry]) async {
        // Without a connection every outcome is `.notSent`: nothing is removed.
        StageTrace.mark("handoff.publish", entries.map(\.taskID))
        let outcomes = await publisher.publish(entries)
        confirmed.add(zip(entries, outcomes).compactMap { $1 ? $0.outboxID : nil })
    }

    /// Removes the confirmed entries: once the first arrives, waits ``removalInterval`` for more,
    /// then removes all of them. Idle, it sleeps; it ends once `confirmed` is finished.
    private func removeConfirmed() async {
        for await _ in confirmed.arrivals {
            try? await Task.sleep(for: removalInterval)
            await remove(confirmed.take())
        }
        await remove(confirmed.take())
    }

    private func remove(_ ids: [Int64]) async {
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let chunk = Array(ids[start..<min(start + 1_000, ids.count)])
            do {
                try await outbox.removePublished(chunk)
            } catch {
                logger.warning("cannot remove published outbox entries; the relay publishes them again",
                               metadata: ["count": "\(chunk.count)", "error": "\(error)"])
            }
        }
    }
}

/// Outbox ids whose messages the broker confirmed, waiting for their removal; `arrivals` yields
/// when the first id of a gathering arrives.
private final class ConfirmedEntries: Sendable {
    private let pending = Mutex<[Int64]>([])
    let arrivals: AsyncStream<Void>
    private let arrival: AsyncStream<Void>.Continuation

    init() {
        (arrivals, arrival) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func add(_ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        let first = pending.withLock { pending in
            defer { pending += ids }
            return pending.isEmpty
        }
        if first { arrival.yield() }
    }

    /// Ends `arrivals` (after the arrival already signalled, if any).
    func finish() {
        arrival.finish()
    }

    func take() -> [Int64] {
        pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
    }
}
