import JobCore
import Postgres

extension TaskStore {
    /// `update_status_task`, for external consumers that read the queue themselves: waiting →
    /// running (a claim: attempt + 1, started now), running → finished / failed (ended now), and
    /// running → running to report progress or a message. Anything else is a conflict.
    ///
    /// - Parameters:
    ///   - result: JSON text to store as the result, or nil to keep it.
    ///   - message: the new status message (appended to `status_messages`), or nil to keep it.
    /// - Throws: `TaskStoreError.notFound` / `.conflict` naming the current status.
    public func updateStatus(
        id: String, to target: TaskStatus, message: String?, result: String?, progress: Double?,
        scope: TaskScope, actor: String
    ) async throws {
        var allowed = TaskStatus.allCases.filter { TaskTransition.between($0, target) != nil }
        if target == .running { allowed.append(.running) }
        var conditions = TaskConditions()
        conditions.equal("task_id", id)
        conditions.scope(scope)
        let to = conditions.placeholder(target.rawValue)
        let from = conditions.placeholder(allowed.map(\.rawValue))
        let text = conditions.placeholder(message)
        let json = conditions.placeholder(result)
        let fraction = conditions.placeholder(progress)
        let who = conditions.placeholder(actor)
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            WITH target AS (SELECT task_id, status FROM tasks \(conditions.whereSQL) FOR UPDATE),
            changed AS (
                UPDATE tasks t SET status = \(to), updated_at = now(),
                    message = COALESCE(\(text)::text, t.message),
                    status_messages = CASE WHEN \(text)::text IS NULL THEN t.status_messages
                        ELSE t.status_messages || jsonb_build_array(jsonb_build_object('status', \(to)::text, 'message', \(text)::text, 'at', now())) END,
                    result = COALESCE(\(json)::jsonb, t.result),
                    progress = COALESCE(\(fraction)::float8, t.progress),
                    attempt = CASE WHEN target.status = 'waiting' THEN t.attempt + 1 ELSE t.attempt END,
                    started_at = CASE WHEN target.status = 'waiting' THEN now() ELSE t.started_at END,
                    worker_id = CASE WHEN target.status = 'waiting' THEN \(who)::text ELSE t.worker_id END,
                    ended_at = CASE WHEN \(to)::text IN ('finished', 'failed') THEN now() ELSE t.ended_at END
                FROM target WHERE t.task_id = target.task_id AND target.status = ANY(\(from))
                RETURNING t.task_id, target.status AS from_status, t.attempt, t.message),
            events AS (
                INSERT INTO task_events (task_id, from_status, to_status, actor, attempt, message)
                SELECT task_id, from_status, \(to), \(who), attempt, message FROM changed WHERE from_status <> \(to)::text)
            SELECT target.task_id, target.status, changed.task_id IS NOT NULL FROM target LEFT JOIN changed USING (task_id)
            """, binds: conditions.binds))
        _ = try Self.checkOutcome(rows, selector: .ids([id]), allowRunning: false)
    }

    /// `summary`: per (service, batch), counts by status and run times over finished tasks.
    public func summary(service: String?, batch: String?, scope: TaskScope) async throws -> [TaskSummaryRow] {
        var conditions = TaskConditions()
        conditions.scope(scope)
        conditions.equal("service", service)
        conditions.equal("batch", batch)
        let spend = "CASE WHEN status = 'finished' THEN extract(epoch FROM ended_at - started_at)::float8 END"
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            SELECT service, batch, array_agg(status) AS statuses, array_agg(n) AS counts,
                   sum(spend_sum) / NULLIF(sum(spend_n), 0), NULL::float8, NULL::float8,
                   \(SQLFragment.time("min(first_created)")), \(SQLFragment.time("max(last_updated)"))
            FROM (
                SELECT service, batch, status, count(*) AS n, sum(\(spend)) AS spend_sum, count(\(spend)) AS spend_n,
                       min(created_at) AS first_created, max(updated_at) AS last_updated
                FROM tasks \(conditions.whereSQL) GROUP BY service, batch, status
            ) per_status
            GROUP BY service, batch ORDER BY service, batch
            """, binds: conditions.binds))
        var summaries: [TaskSummaryRow] = []
        for row in rows {
            let statuses = try row.decode(2, as: [String].self)
            let counts = try row.decode(3, as: [Int].self)
            var byStatus = Dictionary(uniqueKeysWithValues: TaskStatus.allCases.map { ($0, 0) })
            for (status, count) in zip(statuses, counts) { if let s = TaskStatus(rawValue: status) { byStatus[s] = count } }
            summaries.append(TaskSummaryRow(
                service: try row.decode(0), batch: try row.decode(1), counts: byStatus,
                averageSpendTime: try row.decode(4), p50SpendTime: nil, p95SpendTime: nil,
                firstCreateTime: try row.decode(7), lastUpdateTime: try row.decode(8)))
        }
        try await addPercentiles(to: &summaries, conditions: conditions)
        return summaries
    }

    /// Fills p50 / p95 of finished tasks' run times per (service, batch).
    private func addPercentiles(to summaries: inout [TaskSummaryRow], conditions: TaskConditions) async throws {
        var finished = conditions
        finished.raw("status = 'finished' AND started_at IS NOT NULL AND ended_at IS NOT NULL")
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            SELECT service, batch,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at)::float8),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at)::float8)
            FROM tasks \(finished.whereSQL) GROUP BY service, batch
            """, binds: finished.binds))
        var byKey: [String: (Double?, Double?)] = [:]
        for row in rows {
            byKey[try row.decode(0, as: String.self) + "\u{0}" + row.decode(1, as: String.self)] = (try row.decode(2), try row.decode(3))
        }
        for i in summaries.indices {
            let key = summaries[i].service + "\u{0}" + summaries[i].batch
            summaries[i].p50SpendTime = byKey[key]?.0
            summaries[i].p95SpendTime = byKey[key]?.1
        }
    }
}
