import Postgres

/// All SQL for the `workers` table (heartbeats, control commands, listing).
public struct WorkerStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Services announced by workers whose heartbeat is recent (within `seconds`).
    public func liveServices(within seconds: Double = 60) async throws -> [String] {
        let rows = try await pool.query("""
            SELECT DISTINCT unnest(services) FROM workers
            WHERE heartbeat_at > now() - make_interval(secs => \(seconds)) AND state <> 'stopped'
            """)
        return try rows.map { try $0.decode(0, as: String.self) }
    }
}
