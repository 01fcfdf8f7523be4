import Postgres

/// All SQL of the transactional outbox (`task_outbox`): rows are written with their tasks by
/// `TaskStore`; the relay takes due rows in batches, publishes them, and deletes what the broker
/// confirmed, inside one transaction whose row locks (`FOR UPDATE SKIP LOCKED`) keep concurrent
/// relays from publishing the same entry.
public struct OutboxStore: Sendable {
    /// One due entry, joined with its task.
    public struct Entry: Sendable, Equatable {
        public var outboxID: Int64
        public var taskID: String
        public var service: String
        public var tag: String?
        public var priority: Int
        public var attempt: Int
        /// The condition as JSON text.
        public var condition: String
    }

    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Takes up to `limit` due entries (highest priority first, then oldest), lets `publish`
    /// send them, and deletes the ones it reports as done, all in one transaction. Entries whose
    /// task is gone or no longer waiting are deleted without publishing.
    ///
    /// - Parameter publish: returns, per entry, whether it was confirmed by the broker.
    /// - Returns: how many entries were taken (a full batch means more may be due).
    public func drain(limit: Int, publish: ([Entry]) async -> [Bool]) async throws -> (taken: Int, published: Int) {
        try await pool.withTransaction { tx in
            let rows = try await tx.query("""
                SELECT o.id, o.task_id, t.service, t.tag, t.priority, t.attempt, t.condition::text, t.status
                FROM task_outbox o LEFT JOIN tasks t ON t.task_id = o.task_id
                WHERE o.available_at <= now()
                ORDER BY o.priority DESC, o.id
                LIMIT \(limit)
                FOR UPDATE OF o SKIP LOCKED
                """)
            var entries: [Entry] = []
            var done: [Int64] = []
            for row in rows {
                let id = try row.decode(0, as: Int64.self)
                guard try row.decode(7, as: String?.self) == "waiting" else {
                    done.append(id)  // deleted, cancelled or already running: nothing to wake
                    continue
                }
                entries.append(Entry(
                    outboxID: id, taskID: try row.decode(1), service: try row.decode(2), tag: try row.decode(3),
                    priority: try row.decode(4), attempt: try row.decode(5), condition: try row.decode(6)))
            }
            let confirmed = entries.isEmpty ? [] : await publish(entries)
            for (entry, ok) in zip(entries, confirmed) where ok { done.append(entry.outboxID) }
            if !done.isEmpty {
                try await tx.query("DELETE FROM task_outbox WHERE id = ANY(\(done))")
            }
            return (rows.count, confirmed.filter { $0 }.count)
        }
    }

    /// Seconds until the next entry falls due (0 if one is due now), nil if there is none.
    public func secondsUntilNextDue() async throws -> Double? {
        // min() of no rows is NULL (and greatest() would turn NULL into 0: no clamping in SQL).
        let rows = try await pool.query("SELECT extract(epoch FROM min(available_at) - now())::float8 FROM task_outbox")
        return try rows[0].decode(0, as: Double?.self).map { max(0, $0) }
    }

    /// Entries not yet published (due or not), for metrics.
    public func backlog() async throws -> Int {
        try await pool.query("SELECT count(*) FROM task_outbox")[0].decode(0, as: Int.self)
    }
}
