import JobCore
import Logging
import Postgres
import Synchronization
import Testing
import TestSupport
@testable import JobStore

/// The outbox's SQL against a real database, without a broker: a relay pass is all or nothing,
/// the next-due time ignores entries another pass holds, and created tasks are handed off (their
/// entries wait, and wake no relay) only when they are due at once.
@Suite struct OutboxStoreTests {
    static let logger: Logger = {
        var logger = Logger(label: "tests.outbox-store")
        logger.logLevel = .critical
        return logger
    }()

    static func task(delay: Double = 0, start: Bool = true) -> NewTask {
        NewTask(id: TaskID(service: ServiceName("echo")!), service: ServiceName("echo")!, condition: #"{"n":1}"#,
                priority: 3, tag: "gpu", batch: "outbox-store", maxAttempts: 1, timeoutSeconds: 60,
                delaySeconds: delay, start: start, idempotencyKey: nil)
    }

    /// Records what a `TaskStore` hands off.
    final class RecordingHandoff: TaskHandoff {
        let windowSeconds = 30.0
        let received = Mutex<[OutboxStore.Entry]>([])
        func committed(_ entries: [OutboxStore.Entry]) { received.withLock { $0 += entries } }
    }

    @Test func aPassIsCommittedOnlyWhenTheBrokerConfirmedEveryEntry() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 4), logger: Self.logger)
            let outbox = OutboxStore(pool: pool)
            let ids = try await TaskStore(pool: pool, batching: false).create((0..<5).map { _ in Self.task() }, owner: "alice")

            var offered: [String] = []
            let refused = try await outbox.drain(limit: 10) { entries in
                offered = entries.map(\.taskID)
                return entries.indices.map { $0 != 2 }  // the broker did not confirm one of them
            }
            #expect(refused == OutboxStore.DrainOutcome(taken: 5, committed: false))
            #expect(Set(offered) == Set(ids))
            #expect(try await outbox.backlog() == 5)

            let confirmed = try await outbox.drain(limit: 10) { entries in entries.map { _ in true } }
            #expect(confirmed == OutboxStore.DrainOutcome(taken: 5, committed: true))
            #expect(try await outbox.backlog() == 0)
            await pool.close()
        }
    }

    @Test func theNextDueTimeSkipsEntriesAnotherPassHolds() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 4), logger: Self.logger)
            let outbox = OutboxStore(pool: pool)
            let store = TaskStore(pool: pool, batching: false)
            _ = try await store.create([Self.task(), Self.task()], owner: "alice")
            #expect(try await outbox.secondsUntilNextDue() == 0)

            // A pass holds both due entries (taken, waiting for its confirms): nothing is due for
            // anyone else.
            let untilHeld = try await outbox.drain(limit: 10) { entries in
                let seconds = try? await outbox.secondsUntilNextDue()
                return entries.map { _ in seconds == nil }
            }
            #expect(untilHeld.committed)  // every entry saw nil while it was held

            _ = try await store.create([Self.task(delay: 60)], owner: "alice")
            let delayed = try #require(try await outbox.secondsUntilNextDue())
            #expect(delayed > 50 && delayed <= 60)
            await pool.close()
        }
    }

    @Test func onlyTasksDueAtOnceAreHandedOffAndTheirEntriesWakeNoRelay() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 4), logger: Self.logger)
            let listener = try await PostgresListener.start(configuration: db.configuration, channels: ["task_outbox"], logger: Self.logger)
            defer { listener.stop() }
            let notifications = Mutex(0)
            let counter = Task {
                for await event in listener.events {
                    if case .notification = event { notifications.withLock { $0 += 1 } }
                }
            }
            defer { counter.cancel() }
            let handoff = RecordingHandoff()
            let store = TaskStore(pool: pool, handoff: handoff)
            let due = [Self.task(), Self.task()]
            let ids = try await store.create(due + [Self.task(delay: 600), Self.task(start: false)], owner: "alice")
            #expect(try await store.create([Self.task()], owner: "bob").count == 1)  // a grouped single create

            let handed = handoff.received.withLock { $0 }
            #expect(handed.map(\.taskID).prefix(2) == ids.prefix(2))
            #expect(handed.count == 3)
            #expect(handed.first.map { [$0.service, $0.tag, $0.condition] } == ["echo", "gpu", #"{"n":1}"#])
            #expect(handed.first.map { [$0.priority, $0.attempt] } == [3, 0])
            // Their entries wait for the window; the delayed task's waits for its run_at.
            let ahead = try await pool.query("""
                SELECT id, round(extract(epoch FROM available_at - created_at))::int FROM task_outbox ORDER BY id
                """).map { [try $0.decode(0, as: Int.self), try $0.decode(1, as: Int.self)] }
            #expect(ahead.map { $0[1] } == [30, 30, 600, 30])
            #expect(Set(handed.map { Int($0.outboxID) }) == Set([ahead[0][0], ahead[1][0], ahead[3][0]]))

            // None of that woke the relay; a task due at once without a handoff does, once.
            try await Task.sleep(for: .milliseconds(300))
            #expect(notifications.withLock { $0 } == 0)
            _ = try await TaskStore(pool: pool, batching: false).create([Self.task()], owner: "alice")
            for _ in 0..<100 where notifications.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(notifications.withLock { $0 } == 1)

            try await OutboxStore(pool: pool).removePublished(handed.map(\.outboxID))
            #expect(try await OutboxStore(pool: pool).backlog() == 2)
            await pool.close()
        }
    }
}
