import JobCore
import Postgres

extension TaskStore {
    /// The status of each id the scope may see, keyed by id (unknown ids are absent).
    public func statuses(ids: [String], scope: TaskScope) async throws -> [String: TaskStatusRow] {
        var conditions = TaskConditions()
        conditions.clause("task_id = ANY($)", ids)
        conditions.scope(scope)
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            SELECT task_id, status, message, progress, \(SQLFragment.time("started_at")), \(SQLFragment.time("ended_at"))
            FROM tasks \(conditions.whereSQL)
            """, binds: conditions.binds))
        var result: [String: TaskStatusRow] = [:]
        for row in rows {
            let item = TaskStatusRow(
                taskID: try row.decode(0), status: try Self.status(row, 1), message: try row.decode(2),
                progress: try row.decode(3), startTime: try row.decode(4), endTime: try row.decode(5))
            result[item.taskID] = item
        }
        return result
    }

    /// The result of one task, or nil when the scope may not see it.
    public func result(id: String, scope: TaskScope) async throws -> TaskResultRow? {
        var conditions = TaskConditions()
        conditions.equal("task_id", id)
        conditions.scope(scope)
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            SELECT task_id, status, message, result::text, \(SQLFragment.time("started_at")), \(SQLFragment.time("ended_at")),
                   extract(epoch FROM (COALESCE(ended_at, now()) - started_at))::float8
            FROM tasks \(conditions.whereSQL)
            """, binds: conditions.binds))
        guard let row = rows.first else { return nil }
        return TaskResultRow(
            taskID: try row.decode(0), status: try Self.status(row, 1), message: try row.decode(2),
            result: try row.decode(3), startTime: try row.decode(4), endTime: try row.decode(5), spendTime: try row.decode(6))
    }

    /// A page of tasks, newest first: by `page` (1-based) or, when `cursor` is given, after it,
    /// with the total from `count(filter:scope:)` (counters, not a scan of the matching tasks).
    /// - Throws: `TaskStoreError.notFound` never; an unreadable cursor is the caller's to check
    ///   with `TaskCursor.parse` first.
    public func list(
        filter: TaskFilter, scope: TaskScope, pageSize: Int, page: Int, cursor: TaskCursor?
    ) async throws -> TaskPage {
        // The total first: when nothing matches, the page query is skipped. (A filter pair that
        // matches nothing together, each matching many rows alone, would scan one's index range.)
        let total = try await count(filter: filter, scope: scope)
        guard total > 0 else { return TaskPage(total: 0, items: [], nextCursor: nil) }
        var conditions = TaskConditions()
        conditions.scope(scope)
        conditions.filter(filter)
        if let cursor {
            let micros = conditions.placeholder(cursor.createdMicros), id = conditions.placeholder(cursor.taskID)
            conditions.raw("(created_at, task_id) < ('epoch'::timestamptz + \(micros) * interval '1 microsecond', \(id))")
        }
        let limit = conditions.placeholder(pageSize)
        let offset = conditions.placeholder(cursor == nil ? (page - 1) * pageSize : 0)
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            SELECT task_id, service, status, condition::text, priority, tag, batch, attempt,
                   \(SQLFragment.time("created_at")), \(SQLFragment.time("started_at")), \(SQLFragment.time("ended_at")),
                   (extract(epoch FROM created_at) * 1000000)::int8
            FROM tasks \(conditions.whereSQL)
            ORDER BY created_at DESC, task_id DESC LIMIT \(limit) OFFSET \(offset)
            """, binds: conditions.binds))
        var items: [TaskListRow] = []
        var last: TaskCursor?
        for row in rows {
            items.append(TaskListRow(
                taskID: try row.decode(0), service: try row.decode(1), status: try Self.status(row, 2),
                condition: try row.decode(3), priority: try row.decode(4), tag: try row.decode(5), batch: try row.decode(6),
                attempt: try row.decode(7), createTime: try row.decode(8), startTime: try row.decode(9), endTime: try row.decode(10)))
            last = TaskCursor(createdMicros: try row.decode(11), taskID: items[items.count - 1].taskID)
        }
        return TaskPage(total: total, items: items, nextCursor: items.count == pageSize ? last?.text : nil)
    }

    static func status(_ row: PostgresRow, _ column: Int) throws -> TaskStatus {
        let text = try row.decode(column, as: String.self)
        guard let status = TaskStatus(rawValue: text) else {
            throw PostgresError(code: .decoding, message: "unknown task status \(text) in column \(column)")
        }
        return status
    }
}

/// The position after a task in the list order (created_at DESC, task_id DESC), as an opaque
/// token for keyset paging: stable under inserts, fast at any depth.
public struct TaskCursor: Sendable, Equatable {
    public var createdMicros: Int64
    public var taskID: String

    /// The token: `<microseconds since 1970>.<task id>`.
    public var text: String { "\(createdMicros).\(taskID)" }

    /// Reads a token; nil if it is not one.
    public static func parse(_ text: String) -> TaskCursor? {
        guard let dot = text.firstIndex(of: "."), let micros = Int64(text[..<dot]), micros >= 0,
              TaskID(String(text[text.index(after: dot)...])) != nil else { return nil }
        return TaskCursor(createdMicros: micros, taskID: String(text[text.index(after: dot)...]))
    }
}
