import AMQP
import JobStore
import Postgres
import Testing
import TestSupport

/// The transactional outbox against the real broker: everything committed is published, in
/// priority order, once per relay pass, and nothing is lost while the broker is down.
@Suite struct OutboxRelayTests {
    /// Runs `count` relays while `body` runs, then stops them.
    static func withRelays<T>(_ fixture: OutboxFixture, count: Int = 1, batchSize: Int = 500, _ body: () async throws -> T) async throws -> T {
        let relays = (0..<count).map { _ in fixture.relay(batchSize: batchSize) }
        return try await fixture.running(relays.map { relay in { try await relay.run() } }, body)
    }

    @Test func everyCommittedTaskIsPublishedOnceAndTheOutboxEmpties() async throws {
        try await OutboxFixture.withObserved { fixture, observer in
            let ids = try await Self.withRelays(fixture) {
                let ids = try await fixture.createTasks(2_000)
                #expect(try await fixture.waitForEmptyOutbox())
                return ids
            }
            let published = try await fixture.drainMessageIDs(observer, count: ids.count)
            #expect(published.count == ids.count)
            #expect(Set(published) == Set(ids))
        }
    }

    @Test func aBacklogDrainsHighestPriorityFirst() async throws {
        try await OutboxFixture.withObserved { fixture, observer in
            // Committed while no relay runs: a backlog of 50 tasks, priorities 0...9 mixed.
            let ids = try await fixture.createTasks(50) { ($0 * 7) % 10 }
            let priorityOf = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, ($0 * 7) % 10) })
            let emptied = try await Self.withRelays(fixture, batchSize: 10) {
                try await fixture.waitForEmptyOutbox()
            }
            #expect(emptied)
            let order = try await fixture.drainMessageIDs(observer, count: ids.count).map { priorityOf[$0] ?? -1 }
            #expect(order.count == ids.count)
            #expect(order == order.sorted(by: >), "published in priority order: \(order)")
        }
    }

    @Test func twoRelaysDoNotPublishTheSameEntryTwice() async throws {
        try await OutboxFixture.withObserved { fixture, observer in
            let ids = try await Self.withRelays(fixture, count: 2, batchSize: 50) {
                let ids = try await fixture.createTasks(3_000)
                #expect(try await fixture.waitForEmptyOutbox())
                return ids
            }
            let published = try await fixture.drainMessageIDs(observer, count: ids.count + 100, idleSeconds: 3)
            #expect(published.count == ids.count, "duplicates: \(published.count - Set(published).count)")
            #expect(Set(published) == Set(ids))
        }
    }

    @Test func tasksCommittedWhileTheBrokerIsDownArePublishedWhenItReturns() async throws {
        try await OutboxFixture.withObserved(exclusiveBroker: true) { fixture, observer in
            let ids = try await Self.withRelays(fixture) {
                let first = try await fixture.createTasks(5_000)
                try await TestRabbitMQ.stopBroker()
                // Creation goes on while the broker is down: the rows wait in the outbox.
                let second = try await fixture.createTasks(5_000)
                #expect(try await OutboxStore(pool: fixture.pool).backlog() > 0)
                try await TestRabbitMQ.startBroker()
                #expect(try await fixture.waitForEmptyOutbox(seconds: 180))
                return first + second
            }
            // At least once: a publish unconfirmed when the broker went down is sent again.
            let published = try await fixture.drainMessageIDs(observer, count: ids.count * 2, idleSeconds: 5)
            let missing = Set(ids).subtracting(published)
            #expect(missing.isEmpty, "\(missing.count) of \(ids.count) tasks never published")
        }
    }
}
