import JobCore
import Logging
import Postgres
import Testing
import TestSupport
@testable import JobStore

/// Single creates written together (TaskStore+GroupCreate.swift), against a real database: each
/// request gets its own task with its own owner, concurrent requests share statements, and a task
/// PostgreSQL refuses fails its own request only.
@Suite(.serialized) struct GroupCreateTests {
    static let logger: Logger = {
        var logger = Logger(label: "tests.group-create")
        logger.logLevel = .critical
        return logger
    }()

    static func task(_ condition: String, key: String? = nil) -> NewTask {
        NewTask(id: TaskID(service: ServiceName("echo")!), service: ServiceName("echo")!, condition: condition,
                priority: 0, tag: nil, batch: "group-create", maxAttempts: 1, timeoutSeconds: 60,
                delaySeconds: 0, start: true, idempotencyKey: key)
    }

    @Test func concurrentSingleCreatesEachGetTheirOwnTaskAndShareStatements() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 4), logger: Self.logger)
            let store = TaskStore(pool: pool)
            let owners = ["alice", "bob", "carol"]
            let created = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for n in 0..<300 {
                    group.addTask {
                        (n, try await store.create([Self.task(#"{"n":\#(n)}"#)], owner: owners[n % 3])[0])
                    }
                }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            #expect(created.count == 300)
            #expect(Set(created.values).count == 300)
            for row in try await pool.query("SELECT task_id, owner, condition->>'n' FROM tasks") {
                let n = try #require(Int(try row.decode(2, as: String.self)))
                #expect(created[n] == (try row.decode(0, as: String.self)))
                #expect(owners[n % 3] == (try row.decode(1, as: String.self)))
            }
            let events = try await pool.query("SELECT count(*) FROM task_events e JOIN tasks t USING (task_id) WHERE e.actor = t.owner")
            #expect(try events[0].decode(0, as: Int.self) == 300)
            #expect(try await OutboxStore(pool: pool).backlog() == 300)
            // The counter trigger writes one delta row per owner per statement: fewer than one per
            // task means requests shared statements.
            let deltas = try await pool.query("SELECT count(*) FROM task_count_deltas")[0].decode(0, as: Int.self)
            #expect(deltas < 300)
            await pool.close()
        }
    }

    @Test func aTaskPostgreSQLRefusesFailsOnlyItsOwnRequest() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 4), logger: Self.logger)
            let store = TaskStore(pool: pool)
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for n in 0..<60 {
                    // Every tenth condition is not JSON: its ::jsonb cast fails the whole statement.
                    let condition = n % 10 == 0 ? "not json" : #"{"n":\#(n)}"#
                    group.addTask { (n, (try? await store.create([Self.task(condition)], owner: "alice")) != nil) }
                }
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.filter { !$0.value }.keys.sorted() == [0, 10, 20, 30, 40, 50])
            let stored = try await pool.query("SELECT count(*) FROM tasks")[0].decode(0, as: Int.self)
            #expect(stored == 54)
            await pool.close()
        }
    }

    @Test func anIdempotentRepeatStillFindsTheFirstTask() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 4), logger: Self.logger)
            let store = TaskStore(pool: pool)
            let first = try await store.create([Self.task("{}", key: "k1")], owner: "alice")
            let again = try await store.create([Self.task("{}", key: "k1")], owner: "alice")
            let other = try await store.create([Self.task("{}", key: "k1")], owner: "bob")
            #expect(first == again)
            #expect(first != other)
            await pool.close()
        }
    }

    /// Concurrent bulk creates that share one idempotency key, each with a task without a key:
    /// a statement that skips the shared task (another request committed it after the
    /// statement's snapshot) still commits its other task and answers with the first one's id.
    @Test func concurrentBulkCreatesSharingAKeyAllSucceed() async throws {
        try await TestPostgres.withMigratedDatabase { db in
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 8), logger: Self.logger)
            let store = TaskStore(pool: pool)
            let answers = try await withThrowingTaskGroup(of: [String].self) { group in
                for n in 0..<24 {
                    group.addTask { try await store.create([Self.task("{}", key: "shared"), Self.task(#"{"n":\#(n)}"#)], owner: "alice") }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            #expect(answers.count == 24)
            #expect(Set(answers.map { $0[0] }).count == 1, "every request names the one shared task")
            #expect(Set(answers.map { $0[1] }).count == 24)
            let stored = try await pool.query("SELECT count(*) FILTER (WHERE idempotency_key = 'shared'), count(*) FROM tasks")[0]
            #expect(try stored.decode(0, as: Int.self) == 1 && stored.decode(1, as: Int.self) == 25)
            await pool.close()
        }
    }
}
