import JobCore
import Postgres

extension TaskStore {
    /// How many tasks in `scope` match `filter`, exactly, without reading the tasks: the sum of
    /// the per-(owner, service, status, batch, tag) counters that migration 0002's triggers keep
    /// (compacted rows plus not yet compacted deltas, in one snapshot). A `workerID` filter is
    /// not among the counters' columns; it counts the matching tasks instead (index on worker_id).
    public func count(filter: TaskFilter, scope: TaskScope) async throws -> Int {
        var conditions = TaskConditions()
        conditions.scope(scope)
        if filter.workerID != nil {
            conditions.filter(filter)
            let rows = try await pool.query(PostgresQuery(
                unsafeSQL: "SELECT count(*) FROM tasks \(conditions.whereSQL)", binds: conditions.binds))
            return try rows[0].decode(0, as: Int.self)
        }
        conditions.equal("service", filter.service)
        conditions.equal("status", filter.status?.rawValue)
        conditions.equal("batch", filter.batch)
        conditions.equal("tag", filter.tag)
        let rows = try await pool.query(PostgresQuery(unsafeSQL: """
            SELECT (COALESCE((SELECT sum(n) FROM task_counts \(conditions.whereSQL)), 0)
                  + COALESCE((SELECT sum(n) FROM task_count_deltas \(conditions.whereSQL)), 0))::int8
            """, binds: conditions.binds))
        return try rows[0].decode(0, as: Int.self)
    }

    /// Folds the counters' committed deltas into `task_counts` (see migration 0002); returns how
    /// many delta rows it folded. `jobserver serve` runs it every second; several processes may.
    @discardableResult
    public func compactCounts() async throws -> Int {
        try await pool.query("SELECT task_counts_compact()")[0].decode(0, as: Int.self)
    }
}
