import Foundation
import Logging
import Postgres

/// Applies `migrations/NNNN_name.sql` files in order: each in its own transaction, recorded in
/// `schema_migrations` with its checksum. A session advisory lock serialises concurrent
/// migrators, so two `jobserver migrate` runs at once leave one consistent result.
///
/// ```swift
/// let migrator = Migrator(migrations: try Migration.load(directory: "migrations"), logger: logger)
/// try await migrator.migrate(on: connection)
/// ```
public struct Migrator: Sendable {
    /// The advisory lock key every migrator takes ("jobsmigr" in ASCII).
    public static let lockKey: Int64 = 0x6A6F_6273_6D69_6772

    public var migrations: [Migration]
    public var logger: Logger

    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// Compares the database with the files without changing anything.
    /// - Throws: `PostgresError` if the database cannot be read.
    public func status(on connection: PostgresConnection) async throws -> MigrationStatus {
        try await ensureTable(on: connection)
        let applied = try await appliedMigrations(on: connection)
        return compare(applied: applied)
    }

    /// Applies every pending migration; returns the file names applied (empty when current).
    /// - Throws: `MigrationError.checksumMismatch` naming a changed applied file (nothing is
    ///   applied then); `PostgresError` from a failing migration, whose transaction is rolled back.
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws -> [String] {
        try await ensureTable(on: connection)
        try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
        do {
            let result = try await migrateLocked(on: connection)
            try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
            return result
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
            throw error
        }
    }

    private func migrateLocked(on connection: PostgresConnection) async throws -> [String] {
        // Read what is applied only now, under the lock: another migrator may just have finished.
        let status = compare(applied: try await appliedMigrations(on: connection))
        if let first = status.modified.first { throw first }
        var done: [String] = []
        for migration in status.pending {
            logger.info("applying migration", metadata: ["file": "\(migration.fileName)"])
            try await connection.withTransaction { tx in
                try await tx.executeScript(migration.sql)
                try await tx.query("""
                    INSERT INTO schema_migrations (version, file_name, checksum)
                    VALUES (\(migration.version), \(migration.fileName), \(migration.checksum))
                    """)
            }
            done.append(migration.fileName)
        }
        return done
    }

    private func ensureTable(on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        if try rows[0].decode("present", as: Bool.self) { return }
        // Two first migrators can both get here: the advisory lock is not held yet. The loser's
        // CREATE fails on the catalog's unique index, which is fine: the table exists.
        do {
            try await connection.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    file_name  text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        } catch where error.sqlState == .uniqueViolation {
            logger.debug("schema_migrations created concurrently by another migrator")
        }
    }

    private func appliedMigrations(on connection: PostgresConnection) async throws -> [MigrationStatus.Applied] {
        let rows = try await connection.query(
            "SELECT version, file_name, checksum, applied_at FROM schema_migrations ORDER BY version")
        return try rows.map { row in
            MigrationStatus.Applied(
                version: try row.decode("version", as: Int.self),
                fileName: try row.decode("file_name", as: String.self),
                checksum: try row.decode("checksum", as: String.self),
                appliedAt: try row.decode("applied_at", as: Date.self))
        }
    }

    private func compare(applied: [MigrationStatus.Applied]) -> MigrationStatus {
        let appliedVersions = Dictionary(uniqueKeysWithValues: applied.map { ($0.version, $0) })
        let fileVersions = Set(migrations.map(\.version))
        var modified: [MigrationError] = []
        for migration in migrations {
            if let done = appliedVersions[migration.version], done.checksum != migration.checksum {
                modified.append(.checksumMismatch(fileName: migration.fileName, applied: done.checksum, now: migration.checksum))
            }
        }
        return MigrationStatus(
            applied: applied,
            pending: migrations.filter { appliedVersions[$0.version] == nil },
            modified: modified,
            unknown: applied.filter { !fileVersions.contains($0.version) })
    }
}
