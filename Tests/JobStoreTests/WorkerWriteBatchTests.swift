import JobCore
import Postgres
import Testing
import TestSupport
@testable import JobStore

/// Claims and completions written together (`TaskRunStore.writeBatch`), against a real
/// database: each row keeps the conditions of its single-row statement, the events and the
/// retry's outbox entry are written, and the counters follow.
@Suite struct WorkerWriteBatchTests {
    static func tasks(_ count: Int) -> [NewTask] {
        (0..<count).map { n in
            NewTask(id: TaskID(service: ServiceName("echo")!), service: ServiceName("echo")!, condition: #"{"n":\#(n)}"#,
                    priority: 0, tag: nil, batch: "b", maxAttempts: 3, timeoutSeconds: 60, delaySeconds: 0, start: true,
                    idempotencyKey: nil)
        }
    }

    @Test func oneStatementClaimsAndCompletesWithEachRowsConditions() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 2), logger: TestPostgres.logger)
            let ids = try await TaskStore(pool: pool, batching: false).create(Self.tasks(8), owner: "alice")
            let store = TaskRunStore(pool: pool, batching: false)
            for id in ids[0..<4] { #expect(try await store.claimOne(taskID: id, workerID: "w1", leaseSeconds: 30) != nil) }
            _ = try await pool.query("UPDATE tasks SET cancel_requested = true WHERE task_id = \(ids[6])")

            typealias Claim = TaskRunStore.ClaimRequest
            typealias Completion = TaskRunStore.CompletionRequest
            let written = try await store.writeAll(
                workerID: "w1",
                claims: [Claim(taskID: ids[4], workerID: "w1", leaseSeconds: 30), Claim(taskID: ids[5], workerID: "w1", leaseSeconds: 30),
                         Claim(taskID: ids[6], workerID: "w1", leaseSeconds: 30),  // cancel requested: not claimable
                         Claim(taskID: ids[0], workerID: "w1", leaseSeconds: 30)],  // already running
                completions: [Completion(taskID: ids[0], workerID: "w1", attempt: 1, outcome: .finished(result: #"{"ok":1}"#)),
                              Completion(taskID: ids[1], workerID: "w1", attempt: 1, outcome: .retry(message: "again", afterSeconds: 60)),
                              Completion(taskID: ids[2], workerID: "w1", attempt: 2, outcome: .failed(message: "stale attempt")),
                              Completion(taskID: ids[3], workerID: "w1", attempt: 1, outcome: .failed(message: "boom")),
                              Completion(taskID: ids[7], workerID: "w1", attempt: 1, outcome: .finished(result: "1"))])  // never claimed
            #expect(Set(written.claimed.keys) == [ids[4], ids[5]])
            #expect(written.claimed[ids[4]]?.attempt == 1 && written.claimed[ids[4]]?.condition == #"{"n": 4}"#)
            #expect(written.recorded == [ids[0], ids[1], ids[3]])

            let rows = try await pool.query("""
                SELECT task_id, status, attempt, COALESCE(result::text, ''), message,
                       (SELECT count(*) FROM task_events e WHERE e.task_id = t.task_id),
                       (SELECT count(*) FROM task_outbox o WHERE o.task_id = t.task_id AND o.available_at > now() + interval '30 s')
                FROM tasks t ORDER BY task_id
                """)
            var state: [String: String] = [:]
            for row in rows {
                state[try row.decode(0)] = [try row.decode(1, as: String.self), "\(try row.decode(2, as: Int.self))", try row.decode(3, as: String.self),
                                            try row.decode(4, as: String.self), "\(try row.decode(5, as: Int.self))", "\(try row.decode(6, as: Int.self))"]
                    .joined(separator: "|")
            }
            #expect(state[ids[0]] == #"finished|1|{"ok": 1}||3|0"#)
            #expect(state[ids[1]] == "waiting|1||again|3|1")
            #expect(state[ids[2]] == "running|1|||2|0")
            #expect(state[ids[3]] == "failed|1||boom|3|0")
            #expect(state[ids[4]] == "running|1|||2|0")
            #expect(state[ids[6]] == "waiting|0|||1|0")
            #expect(state[ids[7]] == "waiting|0|||1|0")
            let (counters, table) = try await TaskCountTriggerTests.counts(pool)
            #expect(counters == table)
            await pool.close()
        }
    }

    @Test func concurrentClaimsAndCompletionsThroughTheGroupCommit() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 3), logger: TestPostgres.logger)
            let ids = try await TaskStore(pool: pool, batching: false).create(Self.tasks(200), owner: "alice")
            let store = TaskRunStore(pool: pool, batching: true)
            // Each task is claimed, then completed, by its own caller; claims and completions of
            // different tasks overlap and share statements.
            let outcomes = try await withThrowingTaskGroup(of: (Bool, Bool, Bool).self) { group in
                for id in ids {
                    group.addTask {
                        let claim = try await store.claim(taskID: id, workerID: "w1", leaseSeconds: 30)
                        let again = try await store.claim(taskID: id, workerID: "w1", leaseSeconds: 30)
                        let recorded = try await store.complete(taskID: id, workerID: "w1", attempt: claim?.attempt ?? 0, outcome: .finished(result: "1"))
                        return (claim != nil, again == nil, recorded)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.count == 200 && outcomes.allSatisfy { $0.0 && $0.1 && $0.2 })
            let finished = try await pool.query("SELECT count(*) FROM tasks WHERE status = 'finished' AND attempt = 1").first?.decode(0, as: Int.self)
            #expect(finished == 200)
            let events = try await pool.query("SELECT count(*) FROM task_events").first?.decode(0, as: Int.self)
            #expect(events == 600)
            let (counters, table) = try await TaskCountTriggerTests.counts(pool)
            #expect(counters == table)
            await pool.close()
        }
    }
}
