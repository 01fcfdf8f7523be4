import JobCore
import Logging
import Postgres
import Testing
import TestSupport
@testable import JobStore

/// The outbox's SQL against a real database, without a broker: a relay pass is all or nothing,
/// and the next-due time ignores entries another pass holds.
@Suite struct OutboxStoreTests {
    static let logger: Logger = {
        var logger = Logger(label: "tests.outbox-store")
        logger.logLevel = .critical
        return logger
    }()

    static func task(delay: Double = 0) -> NewTask {
        NewTask(id: TaskID(service: ServiceName("echo")!), service: ServiceName("echo")!, condition: "{}",
                priority: 0, tag: nil, batch: "outbox-store", maxAttempts: 1, timeoutSeconds: 60,
                delaySeconds: delay, start: true, idempotencyKey: nil)
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
}
