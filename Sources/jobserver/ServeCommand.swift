import ArgumentParser
import Foundation
import JobConfig
import JobServer
import JobStore
import Logging

/// `jobserver serve`: runs the HTTP API and the background loops until SIGTERM / SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API server.",
        discussion: "Refuses to start while migrations are pending (naming them) or when auth.key_file is missing or unreadable.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var migrations: MigrationsOptions

    func run() async throws {
        let config = try options.loadConfiguration()
        bootstrapLogging(level: config.server.logLevel)
        let logger = Logger(label: "jobserver")
        let key: SecretKey
        do { key = try SecretKey.load(path: config.auth.keyFile) } catch { throw CommandFailure(error.description) }
        let migrator = Migrator(migrations: try loadMigrations(migrations.directory), logger: logger)
        let connection = try await connectDatabase(config.database.url, logger: logger)
        let state = try await migrator.status(on: connection)
        await connection.close()
        if let changed = state.modified.first { throw CommandFailure(changed.description) }
        guard state.pending.isEmpty else {
            throw CommandFailure(MigrationError.pending(state.pending.map(\.fileName)).description)
        }
        try await ServerApplication(configuration: config, key: key, logger: logger).run()
    }
}
