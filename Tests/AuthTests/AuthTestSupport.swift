import Foundation
import JobServer
import JobStore
import Logging
import Postgres
import Synchronization
import TestSupport

/// A fresh migrated database with a pool, for one test.
func withUserDatabase<T>(_ body: (PostgresPool) async throws -> T) async throws -> T {
    try await TestPostgres.withDatabase { db in
        let connection = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
        do {
            let migrations = try Migration.load(
                directory: TestPostgres.packageRoot.appendingPathComponent("migrations").path)
            try await Migrator(migrations: migrations, logger: TestPostgres.logger).migrate(on: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        let pool = PostgresPool(configuration: db.configuration, logger: TestPostgres.logger)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}

/// A random 32-byte key.
func randomKey() throws -> SecretKey {
    var bytes = [UInt8](repeating: 0, count: 32)
    for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
    return try SecretKey(validating: bytes)
}

/// A monotonic clock the test moves forward by hand.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex(Duration.zero)

    /// The current instant.
    func now() -> ContinuousClock.Instant { start + offset.withLock { $0 } }

    /// Moves the clock forward.
    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

let testLogger: Logger = {
    var logger = Logger(label: "tests.auth")
    logger.logLevel = .critical
    return logger
}()
