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
    ///
    /// Two statements in one transaction: the row is locked and its command read first, then
    /// cleared by the upsert. (Read in the upsert's own `RETURNING`, the locked row was already
    /// updated by that statement, so `FOR UPDATE` skipped it and every command was lost.) A
    /// `worker_control` racing with the heartbeat either commits first and is taken now, or waits
    /// for the lock and is taken at the next heartbeat.
    public func heartbeat(_ beat: Heartbeat) async throws -> String? {
        try await pool.withTransaction { tx in
            let pending = try await tx.query("SELECT command::text FROM workers WHERE worker_id = \(beat.workerID) FOR UPDATE")
            try await tx.query("""
                INSERT INTO workers (worker_id, host, pid, version, services, tags, concurrency, running, processed, failed,
                                     load, state, heartbeat_at)
                VALUES (\(beat.workerID), \(beat.host), \(beat.pid), \(beat.version), \(beat.services), \(beat.tags),
                        \(beat.concurrency), \(beat.running), \(beat.processed), \(beat.failed), \(beat.load), \(beat.state), now())
                ON CONFLICT (worker_id) DO UPDATE SET
                    host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, services = EXCLUDED.services,
                    tags = EXCLUDED.tags, concurrency = EXCLUDED.concurrency, running = EXCLUDED.running,
                    processed = EXCLUDED.processed, failed = EXCLUDED.failed, load = EXCLUDED.load, state = EXCLUDED.state,
                    heartbeat_at = now(), command = NULL
                """)
            return try pending.first?.decode(0, as: String?.self) ?? nil
        }
    }
}

extension WorkerStore {
    /// One row of `POST /api/workers`: what the worker reported in its latest heartbeat
    /// (`row.host`, `row.services`, ... read through to `report`), plus what the server knows.
    @dynamicMemberLookup
    public struct WorkerRow: Sendable {
        /// The worker's latest heartbeat.
        public var report: Heartbeat
        /// Whether the worker is not stopped and its heartbeat is recent (see `list`).
        public var live: Bool
        /// A `worker_control` command not yet picked up, as JSON text.
        public var pendingCommand: String?
        /// RFC 3339 UTC with milliseconds.
        public var startedAt: String
        public var heartbeatAt: String
        /// Seconds since the latest heartbeat (by the database's clock).
        public var secondsSinceHeartbeat: Double

        public subscript<Value>(dynamicMember field: KeyPath<Heartbeat, Value>) -> Value { report[keyPath: field] }
    }

    /// Workers seen within `seenWithin` seconds, newest heartbeat first.
    /// - Parameter liveWithin: a worker is `live` when not stopped and its heartbeat is at most
    ///   this many seconds old.
    public func list(seenWithin: Double, liveWithin: Double, limit: Int = 1000) async throws -> [WorkerRow] {
        let rows = try await pool.query("""
            SELECT worker_id, host, pid, version, services, tags, concurrency, running, processed, failed, load, state,
                   state <> 'stopped' AND heartbeat_at > now() - make_interval(secs => \(liveWithin)),
                   command::text,
                   \(unescaped: SQLFragment.time("started_at")), \(unescaped: SQLFragment.time("heartbeat_at")),
                   extract(epoch FROM now() - heartbeat_at)::float8
            FROM workers WHERE heartbeat_at > now() - make_interval(secs => \(seenWithin))
            ORDER BY heartbeat_at DESC, worker_id LIMIT \(limit)
            """)
        return try rows.map { row in
            WorkerRow(
                report: Heartbeat(
                    workerID: try row.decode(0), host: try row.decode(1), pid: try row.decode(2), version: try row.decode(3),
                    services: try row.decode(4), tags: try row.decode(5), concurrency: try row.decode(6),
                    running: try row.decode(7), processed: try row.decode(8), failed: try row.decode(9),
                    load: try row.decode(10), state: try row.decode(11)),
                live: try row.decode(12), pendingCommand: try row.decode(13),
                startedAt: try row.decode(14), heartbeatAt: try row.decode(15), secondsSinceHeartbeat: try row.decode(16))
        }
    }

    /// Why a control command was not stored.
    public enum CommandRefusal: Error, Equatable, Sendable {
        /// No worker has this id.
        case unknownWorker(String)
        /// The worker has stopped: nothing would pick the command up.
        case stopped(String)
    }

    /// Stores `command` (JSON text: `{"action": ..., "value": ...}`) for the worker to pick up at
    /// its next heartbeat, replacing a command it has not picked up yet.
    /// - Throws: `CommandRefusal` for an unknown or stopped worker.
    public func sendCommand(workerID: String, command: String) async throws {
        let rows = try await pool.query("""
            WITH target AS (SELECT worker_id, state FROM workers WHERE worker_id = \(workerID) FOR UPDATE),
            updated AS (
                UPDATE workers w SET command = \(command)::jsonb FROM target
                WHERE w.worker_id = target.worker_id AND target.state <> 'stopped'
                RETURNING w.worker_id
            )
            SELECT (SELECT state FROM target), (SELECT count(*) FROM updated)
            """)
        guard try rows.first?.decode(0, as: String?.self) != nil else { throw CommandRefusal.unknownWorker(workerID) }
        if try rows[0].decode(1, as: Int.self) == 0 { throw CommandRefusal.stopped(workerID) }
    }
}
