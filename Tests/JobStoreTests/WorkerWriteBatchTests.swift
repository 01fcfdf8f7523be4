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

    /// A migrated database holding `count` waiting tasks of alice: runs `body` with a pool, the
    /// tasks' ids and a store without group commit, then closes the pool.
    static func withTasks(
        _ count: Int, connections: Int = 2, _ body: (PostgresPool, [String], TaskRunStore) async throws -> Void
    ) async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: connections), logger: TestPostgres.logger)
            let ids = try await TaskStore(pool: pool, batching: false).create(Self.tasks(count), owner: "alice")
            try await body(pool, ids, TaskRunStore(pool: pool, batching: false))
            await pool.close()
        }
    }

    typealias ClaimRequest = TaskRunStore.ClaimRequest
    typealias CompletionRequest = TaskRunStore.CompletionRequest

    static func claim(_ id: String) -> ClaimRequest { ClaimRequest(taskID: id, workerID: "w1", leaseSeconds: 30) }

    /// Each task's status, attempt, result, message, events and future outbox entries, as "a|b|…".
    static func states(_ pool: PostgresPool) async throws -> [String: String] {
        var state: [String: String] = [:]
        for row in try await pool.query("""
            SELECT task_id, concat_ws('|', status, attempt, COALESCE(result::text, ''), message,
                   (SELECT count(*) FROM task_events e WHERE e.task_id = t.task_id),
                   (SELECT count(*) FROM task_outbox o WHERE o.task_id = t.task_id AND o.available_at > now() + interval '30 s'))
            FROM tasks t
            """) {
            state[try row.decode(0)] = try row.decode(1, as: String.self)
        }
        return state
    }

    /// True when `claimed`'s claim and `completed`'s completion were written by one statement
    /// (they share its `now()`).
    static func sameStatement(_ pool: PostgresPool, claimed: String, completed: String) async throws -> Bool {
        try await pool.query("""
            SELECT (SELECT started_at FROM tasks WHERE task_id = \(claimed)) = (SELECT ended_at FROM tasks WHERE task_id = \(completed))
            """).first?.decode(0, as: Bool?.self) == true
    }

    @Test func oneStatementClaimsAndCompletesWithEachRowsConditions() async throws {
        try await Self.withTasks(9) { pool, ids, store in
            for id in ids[0..<5] {
                #expect(try await store.claimOne(taskID: id, workerID: id == ids[3] ? "w2" : "w1", leaseSeconds: 30) != nil)
            }
            _ = try await pool.query("UPDATE tasks SET cancel_requested = true WHERE task_id = \(ids[7])")

            let written = try await store.writeAll(
                workerID: "w1",
                claims: [Self.claim(ids[5]), Self.claim(ids[6]),
                         Self.claim(ids[7]),  // cancel requested: not claimable
                         Self.claim(ids[4])],  // already running
                completions: [CompletionRequest(taskID: ids[0], workerID: "w1", attempt: 1, outcome: .finished(result: #"{"ok":1}"#)),
                              CompletionRequest(taskID: ids[1], workerID: "w1", attempt: 1, outcome: .retry(message: "again", afterSeconds: 60)),
                              CompletionRequest(taskID: ids[2], workerID: "w1", attempt: 2, outcome: .failed(message: "stale attempt")),
                              CompletionRequest(taskID: ids[3], workerID: "w1", attempt: 1, outcome: .failed(message: "w2 runs it")),
                              CompletionRequest(taskID: ids[8], workerID: "w1", attempt: 1, outcome: .finished(result: "1"))])  // never claimed
            #expect(Set(written.claimed.keys) == [ids[5], ids[6]])
            #expect(written.claimed[ids[5]]?.attempt == 1 && written.claimed[ids[5]]?.condition == #"{"n": 5}"#)
            #expect(written.recorded == [ids[0], ids[1]])
            #expect(try await Self.sameStatement(pool, claimed: ids[5], completed: ids[0]))

            let state = try await Self.states(pool)
            #expect(state[ids[0]] == #"finished|1|{"ok": 1}||3|0"#)
            #expect(state[ids[1]] == "waiting|1||again|3|1")
            #expect(state[ids[2]] == "running|1|||2|0")
            #expect(state[ids[3]] == "running|1|||2|0")
            #expect(state[ids[4]] == "running|1|||2|0")
            #expect(state[ids[5]] == "running|1|||2|0")
            #expect(state[ids[7]] == "waiting|0|||1|0")
            #expect(state[ids[8]] == "waiting|0|||1|0")
            let (counters, table) = try await TaskCountTriggerTests.counts(pool)
            #expect(counters == table)
        }
    }

    @Test func batchesRouteEachResultToItsRequest() async throws {
        try await Self.withTasks(6) { pool, ids, store in
            for id in ids[0..<3] { #expect(try await store.claimOne(taskID: id, workerID: "w1", leaseSeconds: 30) != nil) }
            func claimed(_ result: TaskRunStore.WriteResult) -> String? {
                if case .claim(.success(let claim)) = result { return claim?.taskID ?? "none" }
                return nil
            }
            func recorded(_ result: TaskRunStore.WriteResult) -> Bool? {
                if case .completion(.success(let done)) = result { return done }
                return nil
            }

            // One statement; a task claimed twice goes to its first request.
            var results = await store.writeBatch([
                .claim(Self.claim(ids[3])), .completion(CompletionRequest(taskID: ids[0], workerID: "w1", attempt: 1, outcome: .finished(result: "1"))),
                .claim(Self.claim(ids[3]))])
            #expect(results.count == 3 && claimed(results[0]) == ids[3] && recorded(results[1]) == true && claimed(results[2]) == "none")
            #expect(try await Self.sameStatement(pool, claimed: ids[3], completed: ids[0]))

            // A claim and a completion of one task: each alone, in order.
            results = await store.writeBatch([
                .claim(Self.claim(ids[1])), .completion(CompletionRequest(taskID: ids[1], workerID: "w1", attempt: 1, outcome: .finished(result: "2")))])
            #expect(claimed(results[0]) == "none" && recorded(results[1]) == true)

            // PostgreSQL refuses the statement (a result that is not JSON): each alone, so only
            // the bad completion fails.
            results = await store.writeBatch([
                .completion(CompletionRequest(taskID: ids[2], workerID: "w1", attempt: 1, outcome: .finished(result: "{not json"))),
                .claim(Self.claim(ids[4]))])
            if case .completion(.failure) = results[0] {} else { Issue.record("the bad completion should fail: \(results[0])") }
            #expect(claimed(results[1]) == ids[4])
            let state = try await Self.states(pool)
            #expect(state[ids[2]] == "running|1|||2|0" && state[ids[4]] == "running|1|||2|0")
        }
    }

    /// The connection breaks while the batch runs, without a word from the server (a network
    /// failure): every request fails, as a single statement's would, and none is written again
    /// alone. The statement may still commit, and here it does: the server notices the lost
    /// client only when it sends the result, after the commit (`client_connection_check_interval`
    /// is off by default). Run again, the claims would be answered "not claimable" for tasks the
    /// first statement claimed (or claimed by the rerun, if it got the row lock first).
    @Test(.hangGuard) func aBatchWhoseConnectionBreaksFailsEveryRequest() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, logger: TestPostgres.logger)
            let ids = try await TaskStore(pool: pool, batching: false).create(Self.tasks(2), owner: "alice")
            let proxy = try CuttableProxy(targetPort: UInt16(try #require(db.configuration.parameter("port")))!)
            let proxied = PostgresPool(
                configuration: try PostgresConfiguration(TestPostgres.url(db.url, port: proxy.port)),
                options: .init(maxConnections: 1), logger: TestPostgres.logger)
            // Another session holds the first task's row, so the batch waits inside its statement.
            let locker = try await PostgresConnection.connect(db.configuration, logger: TestPostgres.logger)
            _ = try await locker.query("BEGIN")
            _ = try await locker.query("SELECT 1 FROM tasks WHERE task_id = \(ids[0]) FOR UPDATE")

            let store = TaskRunStore(pool: proxied, batching: false)
            let batch = Task { await store.writeBatch([.claim(Self.claim(ids[0])), .claim(Self.claim(ids[1]))]) }
            // This database only: other suites' workers run worker_write on the same server.
            var waiting: Int?
            for _ in 0..<1_500 where waiting == nil {
                waiting = try await pool.query("""
                    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                        AND query LIKE '%worker_write%'
                    """).first?.decode(0, as: Int.self)
                if waiting == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let backend = try #require(waiting, "the batch never waited for the locked row")
            proxy.cutAll()
            _ = try await locker.query("ROLLBACK")  // the cut statement goes on
            await locker.close()
            let results = await batch.value

            #expect(results.count == 2)
            for result in results {
                guard case .claim(.failure(let error as PostgresError)) = result else {
                    Issue.record("a claim of the broken batch did not fail: \(result)")
                    continue
                }
                #expect(error.code == .connectionLost && !error.isSafeToRetry)
            }
            for _ in 0..<1_500 {
                let alive = try await pool.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(backend)").first?.decode(0, as: Int.self)
                if alive == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            // The cut session committed before it ended: each task claimed once, by it.
            let state = try await Self.states(pool)
            #expect(state[ids[0]] == "running|1|||2|0" && state[ids[1]] == "running|1|||2|0")
            proxy.stop()
            await proxied.close()
            await pool.close()
        }
    }

    @Test func concurrentClaimsAndCompletionsThroughTheGroupCommit() async throws {
        try await Self.withTasks(200, connections: 3) { pool, ids, _ in
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
        }
    }
}
