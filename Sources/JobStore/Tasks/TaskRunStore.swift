import JobCore
import Postgres

/// All SQL a worker runs for one task: the claim, lease renewal, progress, and the fenced
/// completion (finished, retry, failed, cancelled). Every write of a completion is guarded by
/// worker id and attempt, so a late original cannot complete a task that was rescued and re-run.
///
/// Every statement here names its tasks (`task_id = …`, `= ANY(…)`, a join on `unnest`) and
/// must be served by the primary key alone. The other conditions are written `(…) IS TRUE`,
/// which keeps the planner's estimate but matches no index: `tasks` behaves like a queue, its
/// statistics lag behind bursts (50,000 waiting tasks created since the last ANALYZE look like
/// none), and a plan through a status or worker index then compares every such row with every id
/// of the batch. A single-task statement is prepared once with a generic plan: without the fence
/// that plan read `tasks_worker_idx` (every task the worker ever ran), 10 ms per completion.
public struct TaskRunStore: Sendable {
    /// A claimed task: what the worker needs to run it.
    public struct Claim: Sendable, Equatable {
        public var taskID: String
        public var service: String
        /// The condition as JSON text.
        public var condition: String
        /// This run's attempt number (1 for the first run).
        public var attempt: Int
        public var maxAttempts: Int
        public var timeoutSeconds: Double
    }

    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        /// Success, with the result as JSON text.
        case finished(result: String)
        /// A failure to retry at `afterSeconds` from now.
        case retry(message: String, afterSeconds: Double)
        /// A failure for good.
        case failed(message: String)
        /// Cancelled on request.
        case cancelled(message: String)
    }

    public let pool: PostgresPool
    /// Group commit of claims and completions (TaskRunStore+Batch.swift); nil: one statement each.
    let writes: GroupCommit<Write, WriteResult>?

    /// - Parameters:
    ///   - pool: the connections.
    ///   - batching: claims and completions that arrive while earlier ones are in flight are
    ///     written together, one multi-row statement (and one commit) per batch. Each row keeps
    ///     its own conditions (claimable; fenced by worker id and attempt), so the outcome per
    ///     task is the same as with one statement each.
    public init(pool: PostgresPool, batching: Bool = true) {
        self.pool = pool
        self.writes = batching ? Self.writeBatcher(pool: pool) : nil
    }

    /// Claims a waiting, due task for `workerID`: running, leased for `leaseSeconds`, attempt + 1.
    /// - Returns: the claim, or nil when the task is not claimable (cancelled, already claimed by
    ///   another worker, not due yet, deleted): the delivery is then acknowledged and dropped.
    public func claim(taskID: String, workerID: String, leaseSeconds: Double) async throws -> Claim? {
        guard let writes else { return try await claimOne(taskID: taskID, workerID: workerID, leaseSeconds: leaseSeconds) }
        let write = Write.claim(ClaimRequest(taskID: taskID, workerID: workerID, leaseSeconds: leaseSeconds))
        guard case .claim(let result) = try await writes.submit(write) else { preconditionFailure("a claim's result is a claim") }
        return try result.get()
    }

    /// ``claim(taskID:workerID:leaseSeconds:)`` as its own statement.
    func claimOne(taskID: String, workerID: String, leaseSeconds: Double) async throws -> Claim? {
        let rows = try await pool.query("""
            WITH claimed AS (
                UPDATE tasks SET status = 'running', worker_id = \(workerID), attempt = attempt + 1,
                    lease_until = now() + make_interval(secs => \(leaseSeconds)), started_at = now(), ended_at = NULL,
                    progress = NULL, updated_at = now()
                WHERE task_id = \(taskID) AND (status = 'waiting' AND run_at <= now() AND NOT cancel_requested) IS TRUE
                RETURNING task_id, service, condition::text, attempt, max_attempts, timeout_seconds
            ), events AS (
                INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
                SELECT task_id, 'waiting', 'running', \(workerID), attempt FROM claimed
            )
            SELECT * FROM claimed
            """)
        guard let row = rows.first else { return nil }
        return Claim(
            taskID: try row.decode(0), service: try row.decode(1), condition: try row.decode(2),
            attempt: try row.decode(3), maxAttempts: try row.decode(4), timeoutSeconds: try row.decode(5))
    }

    /// Extends the leases of the tasks this worker runs.
    /// - Returns: the ids among them whose cancellation was requested, and the ids this worker no
    ///   longer holds (rescued by the reaper, or deleted): both should stop.
    public func renewLeases(taskIDs: [String], workerID: String, leaseSeconds: Double) async throws -> (cancel: [String], lost: [String]) {
        guard !taskIDs.isEmpty else { return ([], []) }
        // The rows are locked in id order first (byte order, as `writeAll` sorts completions in
        // Swift, whatever the database's collation), the order batch completions take them in:
        // a plain multi-row UPDATE may lock them in table order and deadlock with a completion
        // of the same tasks (seen under load: a second lost to deadlock_timeout each time).
        let rows = try await pool.query(("""
            UPDATE tasks SET lease_until = now() + make_interval(secs => \(leaseSeconds))
            FROM (
                SELECT task_id FROM tasks
                WHERE task_id = ANY(\(taskIDs)) AND (worker_id = \(workerID) AND status = 'running') IS TRUE
                ORDER BY task_id COLLATE "C" FOR NO KEY UPDATE
            ) held
            WHERE tasks.task_id = held.task_id
            RETURNING tasks.task_id, tasks.cancel_requested
            """ as PostgresQuery).plannedEachCall)
        var held: Set<String> = []
        var cancel: [String] = []
        for row in rows {
            let id = try row.decode(0, as: String.self)
            held.insert(id)
            if try row.decode(1, as: Bool.self) { cancel.append(id) }
        }
        return (cancel, taskIDs.filter { !held.contains($0) })
    }

    /// Records progress (0...1) and an optional message of a run this worker holds.
    public func progress(taskID: String, workerID: String, attempt: Int, fraction: Double, message: String?) async throws {
        try await pool.query("""
            UPDATE tasks SET progress = \(fraction), message = COALESCE(\(message), message), updated_at = now()
            WHERE task_id = \(taskID) AND (worker_id = \(workerID) AND attempt = \(attempt) AND status = 'running') IS TRUE
            """)
    }

    /// Records how a run ended, fenced by worker id and attempt.
    /// - Returns: false when the worker no longer held the task (rescued, cancelled, deleted):
    ///   nothing was written.
    @discardableResult
    public func complete(taskID: String, workerID: String, attempt: Int, outcome: Outcome) async throws -> Bool {
        let request = CompletionRequest(taskID: taskID, workerID: workerID, attempt: attempt, outcome: outcome)
        guard let writes else { return try await completeOne(request) }
        guard case .completion(let result) = try await writes.submit(.completion(request)) else {
            preconditionFailure("a completion's result is a completion")
        }
        return try result.get()
    }

    /// ``complete(taskID:workerID:attempt:outcome:)`` as its own statement.
    func completeOne(_ request: CompletionRequest) async throws -> Bool {
        let (taskID, workerID, attempt) = (request.taskID, request.workerID, request.attempt)
        let (status, message, result, delay) = request.columns
        let rows = try await pool.query("""
            WITH done AS (
                UPDATE tasks SET status = \(status.rawValue), result = COALESCE(\(result)::jsonb, result),
                    message = \(message), lease_until = NULL, updated_at = now(),
                    progress = CASE WHEN \(status.rawValue) = 'finished' THEN 1 ELSE progress END,
                    ended_at = CASE WHEN \(status.rawValue) = 'waiting' THEN NULL ELSE now() END,
                    run_at = CASE WHEN \(status.rawValue) = 'waiting' THEN now() + make_interval(secs => \(delay)) ELSE run_at END
                WHERE task_id = \(taskID) AND (worker_id = \(workerID) AND attempt = \(attempt) AND status = 'running') IS TRUE
                RETURNING task_id, priority, run_at, status
            ), events AS (
                INSERT INTO task_events (task_id, from_status, to_status, actor, attempt, message)
                SELECT task_id, 'running', status, \(workerID), \(attempt), \(message) FROM done
            ), queued AS (
                INSERT INTO task_outbox (task_id, priority, available_at)
                SELECT task_id, priority, run_at FROM done WHERE status = 'waiting'
            )
            SELECT count(*) FROM done
            """)
        return try rows[0].decode(0, as: Int.self) == 1
    }
}
