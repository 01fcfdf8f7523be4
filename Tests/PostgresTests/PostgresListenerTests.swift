import Postgres
import TestSupport
import Testing

@Suite(.hangGuard) struct PostgresListenerTests {
    @Test func deliversNotificationsOnItsChannels() async throws {
        try await TestPostgres.withDatabase { db async throws in
            let channels = ["task_created", "Mixed \"Case\" channel"]
            let listener = try await PostgresListener.start(
                configuration: db.configuration, channels: channels, logger: TestPostgres.logger)
            defer { listener.stop() }
            var events = listener.events.makeAsyncIterator()
            try await withPool(db) { pool async throws in
                try await pool.notify(channel: "not_listened", payload: "ignored")
                try await pool.notify(channel: "task_created", payload: "t-1 🎉 漢字")
                try await pool.notify(channel: channels[1], payload: "")
                _ = try await pool.withTransaction { tx in
                    try await tx.notify(channel: "task_created", payload: "after commit")
                }
            }
            let received = [await events.next(), await events.next(), await events.next()]
            let notes = received.compactMap { event -> PostgresNotification? in
                if case .notification(let note) = event { return note } else { return nil }
            }
            #expect(notes.map(\.channel) == ["task_created", channels[1], "task_created"])
            #expect(notes.map(\.payload) == ["t-1 🎉 漢字", "", "after commit"])
        }
    }

    @Test func stopFinishesTheSequence() async throws {
        try await TestPostgres.withDatabase { db async throws in
            let listener = try await PostgresListener.start(
                configuration: db.configuration, channels: ["x"], logger: TestPostgres.logger)
            listener.stop()
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == nil)
        }
    }

    @Test func startFailsClearlyWhenTheServerIsUnreachable() async throws {
        let config = try PostgresConfiguration("postgresql://jobs@127.0.0.1:1/none?connect_timeout=2")
        await #expect(throws: PostgresError.self) {
            _ = try await PostgresListener.start(
                configuration: config, channels: ["x"], logger: TestPostgres.logger)
        }
    }
}
