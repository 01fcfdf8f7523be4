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
    /// send them, and removes them, all in one transaction: committed when the broker confirmed
    /// every one, rolled back otherwise (all stay for the next pass; the confirmed ones are then
    /// published again, which is harmless: a message is a wake-up and a claim takes a task once).
    /// Entries whose task is gone or no longer waiting are removed without publishing.
    ///
    /// One statement locks, deletes and returns the entries. The rows are found through the
    /// drain index and deleted by `ctid` (a TID scan), their tasks read by primary key one at a
    /// time (`OFFSET 0` keeps that lookup per entry): no plan can turn into a scan of the whole
    /// outbox or of `tasks`, whatever the statistics of this queue-like table say.
    ///
    /// - Parameter publish: returns, per entry, whether it was confirmed by the broker.
    /// - Returns: how many entries were taken (a full batch means more may be due), and whether
    ///   the pass was committed.
    public func drain(limit: Int, publish: ([Entry]) async -> [Bool]) async throws -> DrainOutcome {
        var outcome = DrainOutcome(taken: 0, committed: false)
        do {
            try await pool.withTransaction { tx in
                // The pass need not wait for its commit to reach disk: if PostgreSQL loses it in a
                // crash, its entries come back and are published again (a wake-up twice). The
                // statement turns it off itself (`settings`): one round trip less than SET LOCAL.
                let rows = try await tx.query(("""
                    WITH settings AS (SELECT set_config('synchronous_commit', 'off', true)), taken AS (
                        DELETE FROM task_outbox WHERE ctid = ANY(ARRAY(
                            SELECT ctid FROM task_outbox WHERE available_at <= now()
                            ORDER BY priority DESC, id LIMIT \(limit) FOR UPDATE SKIP LOCKED))
                        RETURNING id, task_id, priority
                    )
                    SELECT o.id, o.task_id, t.service, t.tag, t.priority, t.attempt, t.condition, t.status
                    FROM settings, taken o LEFT JOIN LATERAL (
                        SELECT service, tag, priority, attempt, condition::text, status FROM tasks
                        WHERE tasks.task_id = o.task_id OFFSET 0
                    ) t ON true
                    ORDER BY o.priority DESC, o.id
                    """ as PostgresQuery).plannedEachCall)
                var entries: [Entry] = []
                for row in rows where try row.decode(7, as: String?.self) == "waiting" {
                    // Others: deleted, cancelled or already running: nothing to wake.
                    entries.append(Entry(
                        outboxID: try row.decode(0), taskID: try row.decode(1), service: try row.decode(2), tag: try row.decode(3),
                        priority: try row.decode(4), attempt: try row.decode(5), condition: try row.decode(6)))
                }
                let confirmed = entries.isEmpty ? [] : await publish(entries)
                outcome = DrainOutcome(taken: rows.count, committed: true)
                if confirmed.count != entries.count || confirmed.contains(false) { throw NotAllConfirmed() }
            }
        } catch is NotAllConfirmed {
            outcome.committed = false
            // Rolled back: every entry of the pass stays in the outbox.
        }
        return outcome
    }

    /// Removes the entries of tasks that `jobserver` published itself right after creating them
    /// (see ``TaskStore/Handoff``), once the broker confirmed them. The commit need not reach
    /// disk: an entry a crash brings back is published once more by the relay when it falls due
    /// (a wake-up twice, harmless). `settings` turns `synchronous_commit` off until the end of
    /// the transaction, here the statement's own implicit one; the CTE must be referenced
    /// (`USING`) or PostgreSQL would not run it.
    public func removePublished(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        // Planned at each call: a generic plan made while the outbox was small scans all of it,
        // comparing every row with every id, once a burst has filled it.
        _ = try await pool.query(("""
            WITH settings AS (SELECT set_config('synchronous_commit', 'off', true))
            DELETE FROM task_outbox USING settings WHERE id = ANY(\(ids))
            """ as PostgresQuery).plannedEachCall)
    }

    /// What one ``drain(limit:publish:)`` pass did.
    public struct DrainOutcome: Sendable, Equatable {
        /// Entries taken from the outbox (published, or dropped because their task is not waiting).
        public var taken: Int
        /// False when the broker did not confirm every entry and the pass was rolled back.
        public var committed: Bool
    }

    /// Rolls a pass back when the broker did not confirm all of it.
    private struct NotAllConfirmed: Error {}

    /// Seconds until the next entry falls due (0 if one is due now), nil if there is none.
    /// Entries a pass has taken and not yet committed (it is waiting for the broker's confirms)
    /// are skipped: they are not due for another relay (another `jobserver`), which would
    /// otherwise spin on empty passes until that commit.
    public func secondsUntilNextDue() async throws -> Double? {
        let rows = try await pool.query("""
            SELECT extract(epoch FROM available_at - now())::float8 FROM task_outbox
            ORDER BY available_at LIMIT 1 FOR KEY SHARE SKIP LOCKED
            """)
        guard let row = rows.first else { return nil }
        return max(0, try row.decode(0, as: Double.self))
    }

    /// Entries not yet published (due or not), for metrics.
    public func backlog() async throws -> Int {
        try await pool.query("SELECT count(*) FROM task_outbox")[0].decode(0, as: Int.self)
    }
}
