import Postgres

extension TaskRunStore {
    /// Rescues running tasks whose lease expired (their worker was killed or lost): retried at
    /// once if attempts remain, else failed, each with a message saying so, an event by
    /// `reaper`, and an outbox entry for the retry. Rows locked by another reaper are skipped.
    /// - Returns: how many tasks were rescued.
    @discardableResult
    public func rescueExpiredLeases(limit: Int = 500) async throws -> Int {
        let rows = try await pool.query("""
            WITH expired AS (
                SELECT task_id FROM tasks WHERE status = 'running' AND lease_until < now()
                ORDER BY lease_until LIMIT \(limit) FOR UPDATE SKIP LOCKED
            ), rescued AS (
                UPDATE tasks t SET
                    status = CASE WHEN t.attempt < t.max_attempts THEN 'waiting' ELSE 'failed' END,
                    message = CASE WHEN t.attempt < t.max_attempts
                        THEN 'lease expired: worker ' || COALESCE(t.worker_id, '?') || ' stopped renewing it; retrying'
                        ELSE 'lease expired: worker ' || COALESCE(t.worker_id, '?') || ' stopped renewing it; no attempts left ('
                             || t.attempt || ' of ' || t.max_attempts || ')' END,
                    lease_until = NULL, run_at = now(), updated_at = now(),
                    ended_at = CASE WHEN t.attempt < t.max_attempts THEN NULL ELSE now() END
                FROM expired WHERE t.task_id = expired.task_id
                RETURNING t.task_id, t.status, t.priority, t.run_at, t.attempt, t.message
            ), events AS (
                INSERT INTO task_events (task_id, from_status, to_status, actor, attempt, message)
                SELECT task_id, 'running', status, 'reaper', attempt, message FROM rescued
            ), queued AS (
                INSERT INTO task_outbox (task_id, priority, available_at)
                SELECT task_id, priority, run_at FROM rescued WHERE status = 'waiting'
            )
            SELECT count(*) FROM rescued
            """)
        return try rows[0].decode(0, as: Int.self)
    }
}
