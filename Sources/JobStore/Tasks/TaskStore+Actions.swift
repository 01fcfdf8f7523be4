import JobCore
import Postgres

extension TaskStore {
    /// `start_task` / `rerun_task`: puts ready or ended tasks back in the queue (`waiting`),
    /// same id, attempts reset, with an outbox entry each.
    ///
    /// - Parameter allowedFrom: `[.ready] + ended` for start_task, ended only for rerun_task.
    /// - Returns: the number of tasks changed.
    /// - Throws: `TaskStoreError` when addressed by id and an id is unknown / not allowed
    ///   (nothing changes then); filter matches in other statuses are skipped.
    @discardableResult
    public func requeue(_ selector: TaskSelector, allowedFrom: Set<TaskStatus>, scope: TaskScope, actor: String) async throws -> Int {
        try await transition(selector, allowedFrom: allowedFrom, scope: scope, actor: actor, to: .waiting, set: """
            attempt = 0, result = NULL, message = '', progress = NULL, worker_id = NULL, lease_until = NULL,
            cancel_requested = false, started_at = NULL, ended_at = NULL, run_at = greatest(t.run_at, now())
            """, outbox: true)
    }

    /// `cancel_task`: ready and waiting tasks end as `cancelled` at once; running tasks are
    /// flagged (`cancel_requested`) and their worker cancels them cooperatively.
    /// - Returns: the number of tasks cancelled or flagged.
    @discardableResult
    public func cancel(_ selector: TaskSelector, scope: TaskScope, actor: String) async throws -> Int {
        try await pool.withTransaction { tx in
            let flagged = try await Self.flagRunningForCancel(selector, scope: scope, on: tx)
            let cancelled = try await transition(
                selector, allowedFrom: [.ready, .waiting, .running], scope: scope, actor: actor, to: .cancelled,
                set: "ended_at = now(), lease_until = NULL", outbox: false, on: tx, skipRunning: true)
            return cancelled + flagged
        }
    }

    /// Runs the conditional UPDATE of a transition over the selected tasks, with its events.
    private func transition(
        _ selector: TaskSelector, allowedFrom: Set<TaskStatus>, scope: TaskScope, actor: String,
        to target: TaskStatus, set assignments: String, outbox: Bool
    ) async throws -> Int {
        try await pool.withTransaction { tx in
            try await transition(selector, allowedFrom: allowedFrom, scope: scope, actor: actor, to: target,
                                 set: assignments, outbox: outbox, on: tx, skipRunning: false)
        }
    }

    private func transition(
        _ selector: TaskSelector, allowedFrom: Set<TaskStatus>, scope: TaskScope, actor: String,
        to target: TaskStatus, set assignments: String, outbox: Bool, on tx: PostgresConnection, skipRunning: Bool
    ) async throws -> Int {
        var conditions = TaskConditions()
        Self.select(selector, scope: scope, into: &conditions)
        var allowed = allowedFrom.map(\.rawValue)
        if skipRunning { allowed.removeAll { $0 == TaskStatus.running.rawValue } }
        let allowedParameter = conditions.placeholder(allowed.sorted())
        let targetParameter = conditions.placeholder(target.rawValue)
        let actorParameter = conditions.placeholder(actor)
        let outboxSQL = outbox
            ? ", queued AS (INSERT INTO task_outbox (task_id, priority, available_at) SELECT task_id, priority, run_at FROM changed)"
            : ", unqueued AS (DELETE FROM task_outbox o USING changed WHERE o.task_id = changed.task_id)"
        let rows = try await tx.query(PostgresQuery(unsafeSQL: """
            WITH target AS (
                SELECT task_id, status FROM tasks \(conditions.whereSQL) FOR UPDATE
            ), changed AS (
                UPDATE tasks t SET status = \(targetParameter), updated_at = now(), \(assignments)
                FROM target WHERE t.task_id = target.task_id AND target.status = ANY(\(allowedParameter))
                RETURNING t.task_id, target.status AS from_status, t.priority, t.run_at, t.attempt
            ), events AS (
                INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
                SELECT task_id, from_status, \(targetParameter), \(actorParameter), attempt FROM changed
            )\(outboxSQL)
            SELECT target.task_id, target.status, changed.task_id IS NOT NULL
            FROM target LEFT JOIN changed ON changed.task_id = target.task_id
            """, binds: conditions.binds))
        return try Self.checkOutcome(rows, selector: selector, allowRunning: skipRunning)
    }

    /// Sets `cancel_requested` on running tasks of the selection; returns how many.
    private static func flagRunningForCancel(_ selector: TaskSelector, scope: TaskScope, on tx: PostgresConnection) async throws -> Int {
        var conditions = TaskConditions()
        select(selector, scope: scope, into: &conditions)
        conditions.raw("status = 'running' AND NOT cancel_requested")
        let rows = try await tx.query(PostgresQuery(
            unsafeSQL: "UPDATE tasks SET cancel_requested = true, updated_at = now() \(conditions.whereSQL)",
            binds: conditions.binds))
        return rows.affectedRows
    }

    /// Adds the selector's conditions (ids or filter) and the scope.
    static func select(_ selector: TaskSelector, scope: TaskScope, into conditions: inout TaskConditions) {
        switch selector {
        case .ids(let ids): conditions.clause("task_id = ANY($)", ids)
        case .filter(let filter): conditions.filter(filter)
        }
        conditions.scope(scope)
    }

    /// For id selections: every id must exist and have changed (else the whole transaction is
    /// rolled back by the throw). Returns how many changed.
    static func checkOutcome(_ rows: PostgresRows, selector: TaskSelector, allowRunning: Bool) throws -> Int {
        var changed = 0
        var seen: [String: TaskStatus] = [:]
        for row in rows {
            let id = try row.decode(0, as: String.self)
            let status = try TaskStore.status(row, 1)
            if try row.decode(2, as: Bool.self) {
                changed += 1
            } else if case .ids = selector, !(allowRunning && status == .running) {
                throw TaskStoreError.conflict(taskID: id, status: status)
            }
            seen[id] = status
        }
        if case .ids(let ids) = selector, let missing = ids.first(where: { seen[$0] == nil }) {
            throw TaskStoreError.notFound(missing)
        }
        return changed
    }
}
