import ArgumentParser
import Foundation
import JobConfig
import Logging

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $JOBS_CONFIG, else conf/jobserver.yaml).")
    var config: String?

    /// Loads the configuration, or exits with every problem listed.
    func loadConfiguration() throws -> Configuration {
        do {
            return try Configuration.load(file: config)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}

/// Options of the commands that need the migration files.
struct MigrationsOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of NNNN_name.sql files (default: $JOBS_MIGRATIONS_DIR, else ./migrations, else /usr/share/jobserver/migrations).")
    var migrations: String?

    /// The directory to read migrations from.
    var directory: String {
        if let migrations { return migrations }
        if let fromEnvironment = ProcessInfo.processInfo.environment["JOBS_MIGRATIONS_DIR"] { return fromEnvironment }
        return FileManager.default.fileExists(atPath: "migrations") ? "migrations" : "/usr/share/jobserver/migrations"
    }
}

/// A failure to report on standard error and exit 1 with, without a stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Sets up swift-log once for the process: text lines on standard error at `level`.
func bootstrapLogging(level: String) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: level) ?? .info
        return handler
    }
}
