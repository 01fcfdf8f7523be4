import Postgres
import Synchronization
import TestSupport
import Testing

@Suite struct PostgresTransactionTests {
    struct Boom: Error {}

    @Test func commitsAndRollsBackOnThrow() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withPool(db) { pool async throws in
                try await pool.query("CREATE TABLE t (id int8 PRIMARY KEY)")
                _ = try await pool.withTransaction { tx in
                    try await tx.query("INSERT INTO t VALUES (\(1))")
                }
                await #expect(throws: Boom.self) {
                    _ = try await pool.withTransaction { tx in
                        try await tx.query("INSERT INTO t VALUES (\(2))")
                        throw Boom()
                    }
                }
                let rows = try await pool.query("SELECT id FROM t ORDER BY id")
                #expect(try rows.map { try $0.decode(0, as: Int.self) } == [1])
                #expect(pool.statistics.inUse == 0)
            }
        }
    }

    @Test func swallowedStatementErrorFailsTheCommit() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                try await conn.query("CREATE TABLE t (id int8 PRIMARY KEY)")
                do {
                    try await conn.withTransaction { tx in
                        try await tx.query("INSERT INTO t VALUES (\(1))")
                        _ = try? await tx.query("INSERT INTO t VALUES (\(1))")
                    }
                    Issue.record("expected the commit to fail")
                } catch let error as PostgresError {
                    #expect(error.sqlState == .inFailedSQLTransaction)
                }
                let rows = try await conn.query("SELECT count(*) FROM t")
                #expect(try rows[0].decode(0, as: Int.self) == 0)
            }
        }
    }

    @Test func retryRerunsASerializationFailure() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withPool(db) { pool async throws in
                try await pool.query("CREATE TABLE counter (id int8 PRIMARY KEY, n int8)")
                try await pool.query("INSERT INTO counter VALUES (1, 0)")
                let attempts = Atomic<Int>(0)
                try await pool.withRetryingTransaction(isolationLevel: .repeatableRead) { tx in
                    let attempt = attempts.add(1, ordering: .relaxed).newValue
                    _ = try await tx.query("SELECT n FROM counter WHERE id = 1")  // takes the snapshot
                    if attempt == 1 {
                        // A concurrent committed update makes this transaction's update fail
                        // with 40001 "could not serialize access due to concurrent update".
                        try await withConnection(db) { other in
                            try await other.query("UPDATE counter SET n = n + 1 WHERE id = 1")
                        }
                    }
                    try await tx.query("UPDATE counter SET n = n + 1 WHERE id = 1")
                }
                #expect(attempts.load(ordering: .relaxed) == 2)
                let rows = try await pool.query("SELECT n FROM counter")
                #expect(try rows[0].decode(0, as: Int.self) == 2)
            }
        }
    }

    @Test func retryGivesUpAfterMaxAttempts() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                let attempts = Atomic<Int>(0)
                do {
                    try await conn.withRetryingTransaction(retry: PostgresRetryPolicy(maxAttempts: 3)) { tx in
                        attempts.add(1, ordering: .relaxed)
                        try await tx.executeScript(
                            "DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40P01'; END $$")
                    }
                    Issue.record("expected a deadlock error")
                } catch let error as PostgresError {
                    #expect(error.sqlState == .deadlockDetected)
                }
                #expect(attempts.load(ordering: .relaxed) == 3)
            }
        }
    }
}
