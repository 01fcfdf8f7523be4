import JobCore
import Logging
import PosixIO
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
    /// Group commit of single creates (TaskStore+GroupCreate.swift); nil: one statement each.
    let singleCreates: GroupCommit<OwnedTask, Result<String, any Error>>?
    /// Who publishes created tasks right after their commit; nil: the relay does.
    let handoff: (any TaskHandoff)?

    /// - Parameters:
    ///   - pool: the connections.
    ///   - batching: single creates without an idempotency key that arrive while earlier ones
    ///     are in flight are written together, one statement and one commit for the lot; each
    ///     request still gets its own outcome (see ``createSingles(_:)``).
    ///   - handoff: receives every created task that is due at once, right after its commit,
    ///     to publish it; its outbox entry waits ``TaskHandoff/windowSeconds`` for the relay.
    public init(pool: PostgresPool, batching: Bool = true, handoff: (any TaskHandoff)? = nil) {
        self.pool = pool
        self.handoff = handoff
        self.singleCreates = batching ? Self.singleCreateBatcher(pool: pool, handoff: handoff) : nil
    }

    /// Creates `tasks` in one transaction (all or nothing) with their creation events and, for
    /// started tasks, their outbox entries (handed to ``handoff`` after the commit when due). A
    /// task whose `idempotencyKey` the owner used before is not created again: its first task's
    /// id is returned in its place.
    ///
    /// - Returns: one id per input, in input order.
    /// - Throws: `PostgresError` (the caller maps it; nothing is stored then).
    public func create(_ tasks: [NewTask], owner: String) async throws -> [String] {
        if let singleCreates, tasks.count == 1, tasks[0].idempotencyKey == nil {
            return [try await singleCreates.submit(OwnedTask(task: tasks[0], owner: owner)).get()]
        }
        return try await createAll(tasks.map { OwnedTask(task: $0, owner: owner) })
    }

    /// Creates `tasks` (each with its owner) in one statement, all or nothing.
    func createAll(_ tasks: [OwnedTask]) async throws -> [String] {
        // One statement: the CTEs insert tasks, events and outbox rows together. A concurrent
        // request with the same idempotency key can make this statement skip a row (ON CONFLICT
        // waits for that request to commit) without seeing its id (the statement's snapshot is
        // older); the rest of the statement is committed. A new statement sees the id. (Running
        // the whole create again, as before, inserted the committed tasks a second time: a
        // primary-key error for a create that had succeeded.)
        var ids = try await createOnce(tasks)
        for (index, id) in ids.enumerated() where id == nil {
            guard let key = tasks[index].task.idempotencyKey else { continue }
            ids[index] = try await pool.query("""
                SELECT task_id FROM tasks WHERE owner = \(tasks[index].owner) AND idempotency_key = \(key)
                """).first?.decode(0, as: String.self)
        }
        guard !ids.contains(nil) else {
            // The other request's task is gone again (deleted in between): the client may retry.
            throw PostgresError(code: .server, message: "idempotency key conflict did not settle", sqlState: .serializationFailure)
        }
        return ids.compactMap { $0 }
    }

    /// One create statement; nil for a task skipped because another request committed the same
    /// idempotency key after this statement's snapshot was taken.
    private func createOnce(_ owned: [OwnedTask]) async throws -> [String?] {
        let tasks = owned.map(\.task)
        let handoffSeconds = handoff?.windowSeconds ?? 0
        let rows = try await StageTrace.withTasks(tasks.map(\.id.rawValue)) { try await pool.query("""
            WITH input AS (
                SELECT * FROM unnest(\(tasks.map(\.id.rawValue)), \(tasks.map(\.service.rawValue)), \(tasks.map(\.condition)),
                    \(tasks.map(\.priority)), \(tasks.map { $0.tag ?? "" }), \(tasks.map(\.batch)), \(tasks.map(\.maxAttempts)),
                    \(tasks.map(\.timeoutSeconds)), \(tasks.map(\.delaySeconds)), \(tasks.map(\.start)),
                    \(tasks.map { $0.idempotencyKey ?? "" }), \(owned.map(\.owner)))
                    WITH ORDINALITY AS i(task_id, service, condition, priority, tag, batch, max_attempts,
                                         timeout_seconds, delay_seconds, start, idempotency_key, owner, ord)
            ), inserted AS (
                INSERT INTO tasks (task_id, service, status, condition, priority, tag, batch, max_attempts,
                                   timeout_seconds, run_at, owner, idempotency_key)
                SELECT task_id, service, CASE WHEN start THEN 'waiting' ELSE 'ready' END, condition::jsonb,
                       priority, NULLIF(tag, ''), batch, max_attempts, timeout_seconds,
                       now() + make_interval(secs => delay_seconds), owner, NULLIF(idempotency_key, '')
                FROM input ORDER BY ord
                ON CONFLICT (owner, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING task_id, status, priority, run_at, owner
            ), events AS (
                INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
                SELECT task_id, NULL, status, owner, 0 FROM inserted
            ), outbox AS (
                -- A task due now is handed off: the relay leaves its entry alone for a while.
                INSERT INTO task_outbox (task_id, priority, available_at)
                SELECT task_id, priority,
                       CASE WHEN run_at <= now() THEN now() + make_interval(secs => \(handoffSeconds)) ELSE run_at END
                FROM inserted WHERE status = 'waiting'
                RETURNING id, task_id
            )
            SELECT COALESCE(inserted.task_id, earlier.task_id) AS task_id, outbox.id AS outbox_id
            FROM input
            LEFT JOIN inserted ON inserted.task_id = input.task_id
            LEFT JOIN outbox ON outbox.task_id = input.task_id AND inserted.run_at <= now() AND \(handoffSeconds) > 0
            LEFT JOIN LATERAL (
                -- A one-time filter: tasks is read only for an input row that was not inserted.
                SELECT task_id FROM tasks WHERE inserted.task_id IS NULL AND tasks.owner = input.owner
                    AND tasks.idempotency_key = NULLIF(input.idempotency_key, '') OFFSET 0
            ) earlier ON true
            ORDER BY input.ord
            """) }
        var ids: [String?] = []
        ids.reserveCapacity(rows.count)
        var handedOff: [OutboxStore.Entry] = []
        for (row, request) in zip(rows, owned) {
            ids.append(try row.decode(0, as: String?.self))
            if let outboxID = try row.decode(1, as: Int64?.self) {
                let task = request.task
                handedOff.append(OutboxStore.Entry(
                    outboxID: outboxID, taskID: task.id.rawValue, service: task.service.rawValue, tag: task.tag,
                    priority: task.priority, attempt: 0, condition: task.condition))
            }
        }
        if let handoff, !handedOff.isEmpty { handoff.committed(handedOff) }
        return ids
    }
}

/// Publishes tasks right after the statement that created them committed: `jobserver` does
/// this for the tasks it creates, which reach a worker without waiting for the relay. The relay
/// stays the guarantee: a handed-off task's outbox entry falls due `windowSeconds` later, and
/// is published then unless the handoff removed it (``OutboxStore/removePublished(_:)``).
public protocol TaskHandoff: Sendable {
    /// How long the relay leaves a handed-off entry alone (seconds, > 1 so that the entry does
    /// not wake the relay at commit).
    var windowSeconds: Double { get }
    /// Receives the due tasks of one committed statement; returns at once (never waits for the
    /// broker).
    func committed(_ entries: [OutboxStore.Entry])
}
