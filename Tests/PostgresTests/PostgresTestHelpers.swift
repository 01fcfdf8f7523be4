import Postgres
import TestSupport

/// Opens a pool on `database`, runs `body`, and closes the pool.
@discardableResult
func withPool<T>(
    _ database: TestPostgres.Database,
    options: PostgresPool.Options = PostgresPool.Options(maxConnections: 4),
    _ body: (PostgresPool) async throws -> T
) async throws -> T {
    let pool = PostgresPool(
        configuration: database.configuration, options: options, logger: TestPostgres.logger)
    do {
        let result = try await body(pool)
        await pool.close()
        return result
    } catch {
        await pool.close()
        throw error
    }
}

/// Opens a connection on `database`, runs `body`, and closes it.
@discardableResult
func withConnection<T>(
    _ database: TestPostgres.Database, _ body: (PostgresConnection) async throws -> T
) async throws -> T {
    let connection = try await PostgresConnection.connect(
        database.configuration, logger: TestPostgres.logger)
    do {
        let result = try await body(connection)
        await connection.close()
        return result
    } catch {
        await connection.close()
        throw error
    }
}

/// Terminates backend `pid` and waits until it has exited (no timing assumptions).
func terminateBackend(_ pid: Int32, _ database: TestPostgres.Database) async throws {
    try await withConnection(database) { killer in
        try await killer.query("SELECT pg_terminate_backend(\(pid))")
        while try await killer.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)").count > 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
