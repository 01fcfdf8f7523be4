import JobCore
import Postgres

extension TaskStore {
    /// `update_task`: replaces the condition of a task that is not waiting or running.
    /// - Throws: `TaskStoreError.notFound` / `.conflict` naming the status.
    public func updateCondition(id: String, condition: String, scope: TaskScope) async throws {
        var conditions = TaskConditions()
        conditions.equal("task_id", id)
        conditions.scope(scope)
        let value = conditions.placeholder(condition)
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            WITH target AS (SELECT task_id, status FROM tasks \(conditions.whereSQL) FOR UPDATE),
            changed AS (
                UPDATE tasks t SET condition = \(value)::jsonb, updated_at = now() FROM target
                WHERE t.task_id = target.task_id AND target.status NOT IN ('waiting', 'running')
                RETURNING t.task_id)
            SELECT target.task_id, target.status, changed.task_id IS NOT NULL FROM target LEFT JOIN changed USING (task_id)
            """, binds: conditions.binds))
        _ = try Self.checkOutcome(rows, selector: .ids([id]), allowRunning: false)
    }

    /// `delete_task`: removes tasks that are not running (and their outbox entries), recording a
    /// `deleted` event for each. - Returns: how many were deleted.
    @discardableResult
    public func delete(_ selector: TaskSelector, scope: TaskScope, actor: String) async throws -> Int {
        var conditions = TaskConditions()
        Self.select(selector, scope: scope, into: &conditions)
        let actorParameter = conditions.placeholder(actor)
        return try await pool.withTransaction { tx in
            let rows = try await tx.query(PostgresQuery(unsafeSQL: """
                WITH target AS (SELECT task_id, status FROM tasks \(conditions.whereSQL) FOR UPDATE),
                removed AS (
                    DELETE FROM tasks t USING target WHERE t.task_id = target.task_id AND target.status <> 'running'
                    RETURNING t.task_id, t.status, t.attempt),
                unqueued AS (DELETE FROM task_outbox o USING removed WHERE o.task_id = removed.task_id),
                events AS (
                    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
                    SELECT task_id, status, 'deleted', \(actorParameter), attempt FROM removed)
                SELECT target.task_id, target.status, removed.task_id IS NOT NULL FROM target LEFT JOIN removed USING (task_id)
                """, binds: conditions.binds))
            return try Self.checkOutcome(rows, selector: selector, allowRunning: false)
        }
    }

    /// `copy_task`: creates a new task (new id, queued at once) from each selected task's
    /// service, condition, priority, tag, batch, attempts and timeout, owned by `owner`.
    /// - Returns: the new ids.
    public func copy(_ selector: TaskSelector, scope: TaskScope, owner: String) async throws -> [String] {
        var conditions = TaskConditions()
        Self.select(selector, scope: scope, into: &conditions)
        let ownerParameter = conditions.placeholder(owner)
        return try await pool.withTransaction { tx in
            let rows = try await tx.query(PostgresQuery(unsafeSQL: """
                WITH source AS (SELECT * FROM tasks \(conditions.whereSQL)),
                copied AS (
                    INSERT INTO tasks (task_id, service, status, condition, priority, tag, batch, max_attempts, timeout_seconds, owner)
                    SELECT 'ts_' || service || '_' || replace(gen_random_uuid()::text, '-', ''), service, 'waiting', condition,
                           priority, tag, batch, max_attempts, timeout_seconds, \(ownerParameter)
                    FROM source RETURNING task_id, priority, run_at),
                events AS (
                    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
                    SELECT task_id, NULL, 'waiting', \(ownerParameter), 0 FROM copied),
                queued AS (INSERT INTO task_outbox (task_id, priority, available_at) SELECT task_id, priority, run_at FROM copied)
                SELECT (SELECT array_agg(task_id) FROM source), (SELECT array_agg(task_id) FROM copied)
                """, binds: conditions.binds))
            let found = try rows[0].decode(0, as: [String]?.self) ?? []
            if case .ids(let ids) = selector, let missing = ids.first(where: { !found.contains($0) }) {
                throw TaskStoreError.notFound(missing)
            }
            return try rows[0].decode(1, as: [String]?.self) ?? []
        }
    }
}
