import AMQP
import JobCore
import JobServer
import JobStore
import Postgres
import Testing
import TestSupport

/// The server's own publish of the tasks it creates, against the real broker and database: it
/// publishes each task once without any relay, and what it cannot publish the relay publishes
/// once the window is over.
@Suite struct HandoffPublisherTests {
    @Test func createdTasksArePublishedOnceWithoutARelay() async throws {
        try await OutboxFixture.withObserved { fixture, observer in
            let handoff = fixture.handoff(windowSeconds: 600)
            let store = TaskStore(pool: fixture.pool, handoff: handoff)
            let ids = try await fixture.running([{ await handoff.run() }]) {
                // Before the connection is up the handoff would leave everything to a relay.
                while await !fixture.amqp.isConnected { try await Task.sleep(for: .milliseconds(20)) }
                // Bulks, and single creates that the store groups.
                var ids = try await fixture.createTasks(1_500, store: store)
                ids += try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<200 { group.addTask { try await fixture.createTasks(1, store: store)[0] } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(try await fixture.waitForEmptyOutbox(seconds: 60))  // no relay runs
                return ids
            }
            let published = try await fixture.drainMessageIDs(observer, count: ids.count)
            #expect(published.count == ids.count)
            #expect(Set(published) == Set(ids))
        }
    }

    @Test func confirmedEntriesAreRemovedTogetherAndWhenTheHandoffStops() async throws {
        try await OutboxFixture.withObserved { fixture, observer in
            let handoff = fixture.handoff(windowSeconds: 600, removalInterval: .seconds(60))
            let store = TaskStore(pool: fixture.pool, handoff: handoff)
            try await fixture.running([{ await handoff.run() }]) {
                while await !fixture.amqp.isConnected { try await Task.sleep(for: .milliseconds(20)) }
                let ids = try await fixture.createTasks(50, store: store)
                let published = try await fixture.drainMessageIDs(observer, count: ids.count, idleSeconds: 1)
                #expect(Set(published) == Set(ids))
                try await Task.sleep(for: .seconds(1))  // the broker's confirms
                #expect(try await OutboxStore(pool: fixture.pool).backlog() == 50, "removals wait for the interval")
            }
            #expect(try await OutboxStore(pool: fixture.pool).backlog() == 0, "the handoff removes what was confirmed when it stops")
        }
    }

    @Test func whatTheHandoffCannotPublishTheRelayPublishesAfterTheWindow() async throws {
        try await OutboxFixture.withObserved { fixture, observer in
            // The handoff's own connection never runs: it can publish nothing.
            let down = ReconnectingConnection(configuration: try AMQPConfiguration(url: try TestRabbitMQ.url()), logger: OutboxFixture.logger)
            let handoff = fixture.handoff(windowSeconds: 3, connection: down)
            let store = TaskStore(pool: fixture.pool, handoff: handoff)
            let relay = fixture.relay()
            let (ids, createdAt) = try await fixture.running([{ await handoff.run() }, { try await relay.run() }]) {
                let createdAt = ContinuousClock.now
                let ids = try await fixture.createTasks(100, store: store)
                try await Task.sleep(for: .seconds(1))
                #expect(try await OutboxStore(pool: fixture.pool).backlog() == 100, "the relay waits for the window")
                #expect(try await fixture.waitForEmptyOutbox(seconds: 60))
                return (ids, createdAt)
            }
            #expect(ContinuousClock.now - createdAt >= .seconds(3))
            let published = try await fixture.drainMessageIDs(observer, count: ids.count)
            #expect(published.sorted() == ids.sorted())
        }
    }

    @Test func aBatchThatWaitedHalfTheWindowIsLeftToTheRelay() async throws {
        try await OutboxFixture.withObserved { fixture, observer in
            let handoff = fixture.handoff(windowSeconds: 2)
            let store = TaskStore(pool: fixture.pool, handoff: handoff)
            // Committed while the handoff does not run yet: the batch waits in its buffer.
            let ids = try await fixture.createTasks(10, store: store)
            try await Task.sleep(for: .milliseconds(1_200))  // more than half the window
            let published = try await fixture.running([]) {
                // Connected first: a handoff without a connection would remove nothing anyway.
                while await !fixture.amqp.isConnected { try await Task.sleep(for: .milliseconds(20)) }
                let handing = Task { await handoff.run() }  // cancelled below
                defer { handing.cancel() }
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await OutboxStore(pool: fixture.pool).backlog() == 10,
                        "the handoff dropped the stale batch and removed nothing")
                // The relay publishes it once the window is over.
                let relay = fixture.relay()
                let relaying = Task { try await relay.run() }  // cancelled below
                defer { relaying.cancel() }
                #expect(try await fixture.waitForEmptyOutbox(seconds: 60))
                return try await fixture.drainMessageIDs(observer, count: ids.count)
            }
            #expect(published.sorted() == ids.sorted(), "each task once, by the relay")
        }
    }
}
