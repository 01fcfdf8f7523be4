import Postgres
import TestSupport
import Testing

@Suite struct PostgresPoolTests {
    @Test func exhaustionFailsAfterTheTimeout() async throws {
        try await TestPostgres.withDatabase { db async throws in
            let options = PostgresPool.Options(maxConnections: 1, acquireTimeout: .milliseconds(200))
            try await withPool(db, options: options) { pool async throws in
                try await pool.withConnection { _ in
                    #expect(pool.statistics.inUse == 1)
                    do {
                        try await pool.query("SELECT 1")
                        Issue.record("expected poolExhausted")
                    } catch let error as PostgresError {
                        #expect(error.code == .poolExhausted)
                        #expect(error.message.contains("0.2 seconds"))
                    }
                }
                #expect(pool.statistics == .init(inUse: 0, idle: 1, waiting: 0, opening: 0))
                try await pool.query("SELECT 1")
            }
        }
    }

    @Test func waitersGetReleasedConnections() async throws {
        try await TestPostgres.withDatabase { db async throws in
            let options = PostgresPool.Options(maxConnections: 2, acquireTimeout: .seconds(60))
            try await withPool(db, options: options) { pool async throws in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            try await pool.query("SELECT \(index) FROM pg_sleep(0.01)")
                                .first!.decode(0, as: Int.self)
                        }
                    }
                    var sum = 0
                    for try await value in group { sum += value }
                    #expect(sum == (0..<20).reduce(0, +))
                }
                let stats = pool.statistics
                #expect(stats.inUse == 0 && stats.waiting == 0 && stats.idle <= 2)
            }
        }
    }

    @Test func brokenConnectionsAreReplaced() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withPool(db, options: .init(maxConnections: 1)) { pool async throws in
                let first = try await pool.withConnection { await $0.backendPID }
                try await terminateBackend(first, db)
                let second = try await pool.withConnection { await $0.backendPID }
                #expect(second != first)
                try await pool.query("SELECT 1")
            }
        }
    }

    @Test func connectionLeftInATransactionIsNotReused() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withPool(db, options: .init(maxConnections: 1)) { pool async throws in
                let first = try await pool.withConnection { conn in
                    try await conn.query("BEGIN")
                    return await conn.backendPID
                }
                let second = try await pool.withConnection { await $0.backendPID }
                #expect(first != second)
            }
        }
    }

    @Test func preparedStatementsAreReusedPerConnection() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withPool(db, options: .init(maxConnections: 1)) { pool async throws in
                for index in 0..<5 {
                    let rows = try await pool.query("SELECT \(index)::int8 AS v")
                    #expect(try rows[0].decode("v", as: Int.self) == index)
                }
                let prepared = try await pool.query(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement = \("SELECT $1::int8 AS v")")
                #expect(try prepared[0].decode(0, as: Int.self) == 1)
                // Same SQL with another parameter type falls back to an unnamed statement.
                let rows = try await pool.query("SELECT \("7")::int8 AS v")
                #expect(try rows[0].decode(0, as: Int.self) == 7)
            }
        }
    }
}
