import Foundation
import JobStore
import Postgres
import Testing
import TestSupport

@Suite struct MigratorTests {
    /// The repository's own migrations.
    static let repositoryMigrations = TestPostgres.packageRoot.appendingPathComponent("migrations").path

    /// A temporary migrations directory holding `files` (name → SQL).
    static func directory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.path
    }

    static func migrator(_ directory: String) throws -> Migrator {
        Migrator(migrations: try Migration.load(directory: directory), logger: TestPostgres.logger)
    }

    static func tableExists(_ name: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("SELECT to_regclass(\(name)) IS NOT NULL AS present")
        return try rows[0].decode("present", as: Bool.self)
    }

    @Test func appliesTheRepositoryMigrationsOnceAndIsIdempotent() async throws {
        try await TestPostgres.withDatabase { db in
            let connection = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
            let migrator = try Self.migrator(Self.repositoryMigrations)
            let first = try await migrator.migrate(on: connection)
            #expect(first == migrator.migrations.map(\.fileName))
            #expect(first.first == "0001_initial.sql")
            for table in ["tasks", "task_events", "task_outbox", "users", "workers", "schema_migrations"] {
                #expect(try await Self.tableExists(table, on: connection), "table \(table)")
            }
            #expect(try await migrator.migrate(on: connection).isEmpty)
            let status = try await migrator.status(on: connection)
            #expect(status.isCurrent)
            #expect(status.applied.map(\.fileName) == first)
            await connection.close()
        }
    }

    @Test func statusListsPendingWithoutApplyingThem() async throws {
        try await TestPostgres.withDatabase { db in
            let connection = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
            let dir = try Self.directory(["0001_a.sql": "CREATE TABLE a (x int);", "0002_b.sql": "CREATE TABLE b (x int);"])
            let status = try await Self.migrator(dir).status(on: connection)
            #expect(status.pending.map(\.fileName) == ["0001_a.sql", "0002_b.sql"])
            #expect(!status.isCurrent)
            #expect(try await !Self.tableExists("a", on: connection))
            await connection.close()
        }
    }

    @Test func aChangedAppliedFileIsAnErrorNamingIt() async throws {
        try await TestPostgres.withDatabase { db in
            let connection = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
            let dir = try Self.directory(["0001_a.sql": "CREATE TABLE a (x int);"])
            try await Self.migrator(dir).migrate(on: connection)
            try "CREATE TABLE a (x bigint);".write(toFile: dir + "/0001_a.sql", atomically: true, encoding: .utf8)
            try "CREATE TABLE b (x int);".write(toFile: dir + "/0002_b.sql", atomically: true, encoding: .utf8)
            let migrator = try Self.migrator(dir)
            let error = await #expect(throws: MigrationError.self) { try await migrator.migrate(on: connection) }
            guard case .checksumMismatch(let fileName, _, _) = error else {
                Issue.record("expected a checksum mismatch, got \(String(describing: error))")
                return
            }
            #expect(fileName == "0001_a.sql")
            #expect(error?.description.contains("0001_a.sql") == true)
            // Nothing after the changed file was applied.
            #expect(try await !Self.tableExists("b", on: connection))
            #expect(try await migrator.status(on: connection).modified.count == 1)
            await connection.close()
        }
    }

    @Test func aFailingMigrationIsRolledBackAndNotRecorded() async throws {
        try await TestPostgres.withDatabase { db in
            let connection = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
            let dir = try Self.directory([
                "0001_a.sql": "CREATE TABLE a (x int);",
                "0002_bad.sql": "CREATE TABLE b (x int); SELECT * FROM no_such_table;",
            ])
            let migrator = try Self.migrator(dir)
            await #expect(throws: PostgresError.self) { try await migrator.migrate(on: connection) }
            #expect(try await Self.tableExists("a", on: connection))
            #expect(try await !Self.tableExists("b", on: connection))
            let status = try await migrator.status(on: connection)
            #expect(status.applied.map(\.fileName) == ["0001_a.sql"])
            #expect(status.pending.map(\.fileName) == ["0002_bad.sql"])
            await connection.close()
        }
    }

    @Test func concurrentMigratorsLeaveOneConsistentResult() async throws {
        try await TestPostgres.withDatabase { db in
            let migrator = try Self.migrator(Self.repositoryMigrations)
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let connection = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
                        let applied = try await migrator.migrate(on: connection)
                        await connection.close()
                        return applied
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            // Exactly one migrator applied the files; the others found nothing pending.
            #expect(results.filter { !$0.isEmpty } == [migrator.migrations.map(\.fileName)])
            let connection = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
            let rows = try await connection.query("SELECT count(*) AS n FROM schema_migrations")
            #expect(try rows[0].decode("n", as: Int.self) == migrator.migrations.count)
            await connection.close()
        }
    }

    @Test func badFileNamesAreRejected() throws {
        let dir = try Self.directory(["initial.sql": "SELECT 1;"])
        #expect(throws: MigrationError.self) { try Migration.load(directory: dir) }
        let twice = try Self.directory(["0001_a.sql": "SELECT 1;", "001_b.sql": "SELECT 1;"])
        let error = #expect(throws: MigrationError.self) { try Migration.load(directory: twice) }
        #expect(error?.description.contains("same number") == true)
        #expect(throws: MigrationError.self) { try Migration.load(directory: "/nonexistent/migrations") }
    }
}
