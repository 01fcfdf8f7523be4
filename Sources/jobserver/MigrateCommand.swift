import ArgumentParser
import Foundation
import JobStore
import Logging
import Postgres

/// `jobserver migrate [--status]`: applies pending migrations, or lists where the schema stands.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations, each in its own transaction (or list them with --status).",
        discussion: "Concurrent runs are serialised by an advisory lock. A migration file changed after it was applied is an error naming it.")

    @Flag(name: .long, help: "List applied and pending migrations; change nothing. Exit status 1 if any is pending or changed.")
    var status = false

    @OptionGroup var options: CommonOptions
    @OptionGroup var migrations: MigrationsOptions

    func run() async throws {
        let config = try options.loadConfiguration()
        bootstrapLogging(level: config.server.logLevel)
        let logger = Logger(label: "jobserver.migrate")
        let migrator = Migrator(migrations: try loadMigrations(migrations.directory), logger: logger)
        let connection = try await connectDatabase(config.database.url, logger: logger)
        defer { Task { await connection.close() } }

        if status {
            let state = try await migrator.status(on: connection)
            for applied in state.applied {
                print("applied  \(applied.fileName)  \(applied.appliedAt.formatted(.iso8601))")
            }
            for pending in state.pending { print("pending  \(pending.fileName)") }
            for unknown in state.unknown { print("unknown  \(unknown.fileName) (applied, but no such file here)") }
            for modified in state.modified { print("CHANGED  \(modified)") }
            if !state.isCurrent { throw ExitCode(1) }
            return
        }
        do {
            let applied = try await migrator.migrate(on: connection)
            print(applied.isEmpty ? "schema is up to date" : "applied \(applied.joined(separator: ", "))")
        } catch let error as MigrationError {
            throw CommandFailure(error.description)
        }
    }
}

/// Reads the migration files, or fails naming what is wrong.
func loadMigrations(_ directory: String) throws -> [Migration] {
    do { return try Migration.load(directory: directory) } catch { throw CommandFailure(error.description) }
}

/// Opens one connection to the configured database, or fails with libpq's reason (no password).
func connectDatabase(_ url: String, logger: Logger) async throws -> PostgresConnection {
    do {
        return try await PostgresConnection.connect(try PostgresConfiguration(url), logger: logger)
    } catch {
        throw CommandFailure("cannot connect to the database: \(error)")
    }
}
