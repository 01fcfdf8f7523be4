import Postgres
import TestSupport
import Testing

/// Restarts the private server: runs alone (`exclusive: true`), so other tests are not disturbed.
@Suite(.hangGuard) struct PostgresRestartTests {
    @Test func poolAndListenerRecoverAfterServerRestart() async throws {
        try await TestPostgres.withDatabase(exclusive: true) { db async throws in
            let listener = try await PostgresListener.start(
                configuration: db.configuration, channels: ["restart_test"],
                logger: TestPostgres.logger)
            defer { listener.stop() }
            var events = listener.events.makeAsyncIterator()
            try await withPool(db, options: .init(maxConnections: 3)) { pool async throws in
                try await pool.query("CREATE TABLE t (id int8)")
                // Warm several connections so the pool holds idle ones when the server restarts.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<3 {
                        group.addTask {
                            _ = try await pool.withTransaction { tx in
                                try await tx.query("INSERT INTO t VALUES (\(index))")
                                try await tx.query("SELECT pg_sleep(0.05)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                try await pool.notify(channel: "restart_test", payload: "before")
                #expect(payload(await events.next()) == "before")
                let before = pool.statistics

                try await TestPostgres.restartServer()

                // Every idle connection died with the server; the next queries still succeed.
                for _ in 0..<(before.idle + 2) {
                    let rows = try await pool.query("SELECT count(*) FROM t")
                    #expect(try rows[0].decode(0, as: Int.self) == 3)
                }
                _ = try await pool.withRetryingTransaction { tx in
                    try await tx.query("INSERT INTO t VALUES (\(99))")
                }
                // The listener reconnects, says so, and receives notifications again.
                #expect(await events.next() == .reconnected)
                try await pool.notify(channel: "restart_test", payload: "after")
                #expect(payload(await events.next()) == "after")
            }
        }
    }

    private func payload(_ event: PostgresListener.Event?) -> String? {
        if case .notification(let note) = event, note.channel == "restart_test" { return note.payload }
        return nil
    }
}
