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

extension WorkerStore {
    /// What a worker reports in its heartbeat.
    public struct Heartbeat: Sendable {
        public var workerID: String
        public var host: String
        public var pid: Int
        public var version: String
        public var services: [String]
        public var tags: [String]
        public var concurrency: Int
        public var running: Int
        public var processed: Int
        public var failed: Int
        public var load: [Double]
        public var state: String

        public init(workerID: String, host: String, pid: Int, version: String, services: [String], tags: [String],
                    concurrency: Int, running: Int, processed: Int, failed: Int, load: [Double], state: String) {
            self.workerID = workerID
            self.host = host
            self.pid = pid
            self.version = version
            self.services = services
            self.tags = tags
            self.concurrency = concurrency
            self.running = running
            self.processed = processed
            self.failed = failed
            self.load = load
            self.state = state
        }
    }

    /// Upserts the worker's row and takes its pending control command (JSON text), if any.
    public func heartbeat(_ beat: Heartbeat) async throws -> String? {
        let rows = try await pool.query("""
            WITH previous AS (SELECT command FROM workers WHERE worker_id = \(beat.workerID) FOR UPDATE)
            INSERT INTO workers (worker_id, host, pid, version, services, tags, concurrency, running, processed, failed,
                                 load, state, heartbeat_at)
            VALUES (\(beat.workerID), \(beat.host), \(beat.pid), \(beat.version), \(beat.services), \(beat.tags),
                    \(beat.concurrency), \(beat.running), \(beat.processed), \(beat.failed), \(beat.load), \(beat.state), now())
            ON CONFLICT (worker_id) DO UPDATE SET
                host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, services = EXCLUDED.services,
                tags = EXCLUDED.tags, concurrency = EXCLUDED.concurrency, running = EXCLUDED.running,
                processed = EXCLUDED.processed, failed = EXCLUDED.failed, load = EXCLUDED.load, state = EXCLUDED.state,
                heartbeat_at = now(), command = NULL
            RETURNING (SELECT command::text FROM previous)
            """)
        return try rows.first?.decode(0, as: String?.self)
    }
}
