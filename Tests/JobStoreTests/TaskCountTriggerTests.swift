import JobCore
import Postgres
import Testing
import TestSupport
@testable import JobStore

/// The trigger-kept counters behind the list's `total` (migrations 0002 and 0005), against a
/// real database: after every kind of statement they equal a count of the table, per owner,
/// service, status, batch and tag, whether or not the deltas were compacted.
@Suite struct TaskCountTriggerTests {
    /// The counters' view and the table's, both as sorted "owner service status batch tag n" lines.
    static func counts(_ pool: PostgresPool) async throws -> (counters: [String], table: [String]) {
        let counters = try await pool.query("""
            SELECT concat_ws(' ', owner, service, status, batch, tag, sum(n)) FROM (
                SELECT owner, service, status, batch, tag, n FROM task_counts
                UNION ALL SELECT owner, service, status, batch, tag, n FROM task_count_deltas
            ) c GROUP BY owner, service, status, batch, tag HAVING sum(n) <> 0 ORDER BY 1
            """).map { try $0.decode(0, as: String.self) }
        let table = try await pool.query("""
            SELECT concat_ws(' ', owner, service, status, batch, COALESCE(tag, ''), count(*)) FROM tasks
            GROUP BY owner, service, status, batch, COALESCE(tag, '') ORDER BY 1
            """).map { try $0.decode(0, as: String.self) }
        return (counters, table)
    }

    @Test func countersFollowEveryKindOfStatement() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 2), logger: TestPostgres.logger)
            let tasks = (0..<60).map { n in
                NewTask(id: TaskID(service: ServiceName(n % 2 == 0 ? "echo" : "sleep")!), service: ServiceName(n % 2 == 0 ? "echo" : "sleep")!,
                        condition: #"{"n":\#(n)}"#, priority: 0, tag: n % 3 == 0 ? "gpu" : nil, batch: "b\(n % 4)",
                        maxAttempts: 1, timeoutSeconds: 60, delaySeconds: 0, start: n % 5 != 0, idempotencyKey: nil)
            }
            _ = try await TaskStore(pool: pool, batching: false).create(tasks, owner: "alice")
            let statements = [
                // A batch claim: many rows, one status change each.
                "UPDATE tasks SET status = 'running' WHERE status = 'waiting' AND service = 'echo'",
                // Rows that change status next to rows that do not, in one statement.
                "UPDATE tasks SET status = CASE WHEN tag = 'gpu' THEN 'finished' ELSE status END, progress = 0.5 WHERE status = 'running'",
                // No counted column changes at all.
                "UPDATE tasks SET lease_until = now() + interval '1 minute', progress = 0.2",
                // Counted columns other than status, and two changes of one row in one statement.
                "UPDATE tasks SET batch = 'moved', owner = 'bob' WHERE status = 'ready'",
                """
                WITH first AS (UPDATE tasks SET status = 'cancelled' WHERE status = 'waiting' RETURNING task_id)
                SELECT count(*) FROM first
                """,
                "UPDATE tasks SET status = 'waiting', tag = NULL WHERE status = 'cancelled' AND tag = 'gpu'",
                "DELETE FROM tasks WHERE status = 'finished'",
                "UPDATE tasks SET status = 'failed' WHERE false",
            ]
            for (index, statement) in statements.enumerated() {
                _ = try await pool.query(PostgresQuery(unsafeSQL: statement))
                let (counters, table) = try await Self.counts(pool)
                #expect(counters == table, "after statement \(index): \(statement)")
                if index == 3 { _ = try await TaskStore(pool: pool, batching: false).compactCounts() }
            }
            let (counters, table) = try await Self.counts(pool)
            #expect(!table.isEmpty && counters == table)
            await pool.close()
        }
    }
}
