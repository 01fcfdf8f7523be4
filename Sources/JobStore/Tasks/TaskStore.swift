import JobCore
import Logging
import Postgres

/// All SQL for tasks, their events and their outbox entries. Every status change goes through a
/// conditional UPDATE whose allowed "from" statuses come from `TaskTransition`, and writes a
/// `task_events` row in the same statement.
///
/// ```swift
/// let store = TaskStore(pool: pool)
/// let ids = try await store.create([task], owner: "alice")
/// ```
public struct TaskStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates `tasks` in one transaction (all or nothing) with their creation events and, for
    /// started tasks, their outbox entries. A task whose `idempotencyKey` the owner used before
    /// is not created again: its first task's id is returned in its place.
    ///
    /// - Returns: one id per input, in input order.
    /// - Throws: `PostgresError` (the caller maps it; nothing is stored then).
    public func create(_ tasks: [NewTask], owner: String) async throws -> [String] {
        // One statement: the CTEs insert tasks, events and outbox rows together. A concurrent
        // request with the same idempotency key can make this statement skip a row (ON CONFLICT)
        // without seeing its id yet (snapshot); running it again then finds it.
        for _ in 0..<3 {
            let ids = try await createOnce(tasks, owner: owner)
            if let ids { return ids }
        }
        throw PostgresError(code: .server, message: "idempotency key conflict did not settle", sqlState: .serializationFailure)
    }

    private func createOnce(_ tasks: [NewTask], owner: String) async throws -> [String]? {
        let rows = try await pool.query("""
            WITH input AS (
                SELECT * FROM unnest(\(tasks.map(\.id.rawValue)), \(tasks.map(\.service.rawValue)), \(tasks.map(\.condition)),
                    \(tasks.map(\.priority)), \(tasks.map { $0.tag ?? "" }), \(tasks.map(\.batch)), \(tasks.map(\.maxAttempts)),
                    \(tasks.map(\.timeoutSeconds)), \(tasks.map(\.delaySeconds)), \(tasks.map(\.start)),
                    \(tasks.map { $0.idempotencyKey ?? "" }))
                    WITH ORDINALITY AS i(task_id, service, condition, priority, tag, batch, max_attempts,
                                         timeout_seconds, delay_seconds, start, idempotency_key, ord)
            ), inserted AS (
                INSERT INTO tasks (task_id, service, status, condition, priority, tag, batch, max_attempts,
                                   timeout_seconds, run_at, owner, idempotency_key)
                SELECT task_id, service, CASE WHEN start THEN 'waiting' ELSE 'ready' END, condition::jsonb,
                       priority, NULLIF(tag, ''), batch, max_attempts, timeout_seconds,
                       now() + make_interval(secs => delay_seconds), \(owner), NULLIF(idempotency_key, '')
                FROM input ORDER BY ord
                ON CONFLICT (owner, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING task_id, status, priority, run_at
            ), events AS (
                INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
                SELECT task_id, NULL, status, \(owner), 0 FROM inserted
            ), outbox AS (
                INSERT INTO task_outbox (task_id, priority, available_at)
                SELECT task_id, priority, run_at FROM inserted WHERE status = 'waiting'
            )
            SELECT COALESCE(inserted.task_id, earlier.task_id) AS task_id
            FROM input
            LEFT JOIN inserted ON inserted.task_id = input.task_id
            LEFT JOIN tasks earlier ON inserted.task_id IS NULL AND earlier.owner = \(owner)
                AND earlier.idempotency_key = NULLIF(input.idempotency_key, '')
            ORDER BY input.ord
            """)
        var ids: [String] = []
        ids.reserveCapacity(rows.count)
        for row in rows {
            guard let id = try row.decode(0, as: String?.self) else { return nil }
            ids.append(id)
        }
        return ids
    }
}
