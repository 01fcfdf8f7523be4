import JobStore
import Postgres

extension TestPostgres {
    /// Like `withDatabase`, with the repository's migrations applied first: the product's schema
    /// in a database of its own.
    public static func withMigratedDatabase<T>(
        exclusive: Bool = false, _ body: (Database) async throws -> T
    ) async throws -> T {
        try await withDatabase(exclusive: exclusive) { db in
            let connection = try await PostgresConnection.connect(db.configuration, logger: logger)
            do {
                let migrations = try Migration.load(directory: packageRoot.appendingPathComponent("migrations").path)
                try await Migrator(migrations: migrations, logger: logger).migrate(on: connection)
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            return try await body(db)
        }
    }
}
