import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct PostgresErrorTests {
    @Test func uniqueViolationMatchesBySQLState() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                try await conn.query("CREATE TABLE users (name text CONSTRAINT users_pk PRIMARY KEY)")
                try await conn.query("INSERT INTO users VALUES (\("ada"))")
                var matched = false
                do {
                    try await conn.query("INSERT INTO users VALUES (\("ada"))")
                } catch let error as PostgresError where error.sqlState == .uniqueViolation {
                    matched = true
                    #expect(error.code == .server)
                    #expect(error.severity == "ERROR")
                    #expect(error.constraint == "users_pk")
                    #expect(error.detail?.contains("already exists") == true)
                    #expect(error.statement == "INSERT INTO users VALUES ($1)")
                }
                #expect(matched)
                // The `catch SQLState.x` form matches too.
                do {
                    try await conn.query("INSERT INTO users VALUES (\("ada"))")
                    Issue.record("expected a unique violation")
                } catch SQLState.uniqueViolation {
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }

    @Test func serverErrorsCarryHintAndNeverBindValues() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                let secret = "do-not-print-me"
                do {
                    try await conn.query("SELECT * FROM no_such_table WHERE x = \(secret)")
                    Issue.record("expected an error")
                } catch let error as PostgresError {
                    #expect(error.sqlState == .undefinedTable)
                    #expect(error.message.contains("no_such_table"))
                    #expect(!"\(error)".contains(secret))
                }
                do {
                    try await conn.query("SELECT \(Int32(1)) + \("x")")
                    Issue.record("expected an error")
                } catch let error as PostgresError {
                    #expect(error.sqlState == .undefinedFunction)
                    #expect(error.hint != nil)
                }
            }
        }
    }

    @Test func decodingErrorsNameTheColumn() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { conn async throws in
                let rows = try await conn.query("SELECT 'x'::text AS task_id, NULL::int8 AS attempt")
                let row = rows[0]
                #expect {
                    try row.decode("task_id", as: Int.self)
                } throws: { error in
                    let error = error as! PostgresError
                    return error.code == .decoding && error.column == "task_id"
                        && error.message.contains("task_id") && error.message.contains("text")
                }
                #expect {
                    try row.decode("attempt", as: Int.self)
                } throws: { error in
                    let error = error as! PostgresError
                    return error.column == "attempt" && error.message.contains("NULL")
                }
                #expect {
                    try row.decode("missing", as: Int.self)
                } throws: { error in
                    "\(error)".contains("missing") && "\(error)".contains("task_id")
                }
                #expect(throws: PostgresError.self) { try row.decode(5, as: Int.self) }
                #expect(try row.decode(1, as: Int?.self) == nil)
            }
        }
    }

    @Test func connectionFailureIsDistinctAndHidesPassword() async throws {
        let server = try TestPostgres.serverConfiguration()
        let port = server.parameter("port") ?? "5432"
        let config = try PostgresConfiguration(
            "postgresql://jobs:wrong-secret@127.0.0.1:\(port)/no_such_db_here")
        do {
            _ = try await PostgresConnection.connect(config, logger: TestPostgres.logger)
            Issue.record("expected connectionFailed")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(!"\(error)".contains("wrong-secret"))
        }
    }

    @Test func terminatedBackendIsConnectionLostAndSafeToRetry() async throws {
        try await TestPostgres.withDatabase { db async throws in
            try await withConnection(db) { victim async throws in
                let pid = await victim.backendPID
                try await terminateBackend(pid, db)
                do {
                    try await victim.query("SELECT 1")
                    Issue.record("expected connectionLost")
                } catch let error as PostgresError {
                    #expect(error.code == .connectionLost)
                    #expect(error.sqlState == .adminShutdown)
                    #expect(error.isSafeToRetry)
                }
                #expect(!victim.isUsable)
            }
        }
    }
}
