import JobCore
import Testing

/// `POST /api/create_task`: single, bulk, start:false, delay, idempotency, all-or-nothing.
@Suite struct CreateTaskTests {
    @Test func createsOneTaskWaitingWithItsEvent() async throws {
        try await APITestServer.with { api in
            let reply = try await api.call("create_task", #"{"data":{"service":"echo","condition":{"x":1}}}"#)
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
            let body = try reply.json()
            #expect(try body.string("result") == "ok")
            #expect(try body.int("code") == 0)
            let id = try body.string("task_id")
            #expect(TaskID(id) != nil && id.hasPrefix("ts_echo_"))
            #expect(try await api.status(of: id) == "waiting")
            #expect(try await api.events(of: id) == [.init(actor: "alice", from: nil, to: "waiting")])
        }
    }

    @Test func acceptsTopLevelParameters() async throws {
        try await APITestServer.with { api in
            let id = try await api.ok("create_task", #"{"service":"sleep","condition":{},"priority":9,"tag":"gpu.A-1_x","batch":"b1"}"#)
                .string("task_id")
            let list = try await api.ok("tasks", #"{"batch":"b1"}"#).array("data")
            #expect(list.count == 1)
            #expect(try list[0].string("task_id") == id)
            #expect(try list[0].int("priority") == 9)
            #expect(try list[0].string("tag") == "gpu.A-1_x")
            #expect(try list[0].string("service") == "sleep")
        }
    }

    @Test func startFalseStoresReady() async throws {
        try await APITestServer.with { api in
            let id = try await api.create(extra: #""start":false"#)
            #expect(try await api.status(of: id) == "ready")
            #expect(try await api.events(of: id) == [.init(actor: "alice", from: nil, to: "ready")])
        }
    }

    @Test func delayedTaskIsWaitingWithALaterRunAt() async throws {
        try await APITestServer.with { api in
            let id = try await api.create(extra: #""delay":3600"#)
            #expect(try await api.status(of: id) == "waiting")
            let later = try await api.pool.query(
                "SELECT run_at > now() + interval '3000 seconds' FROM tasks WHERE task_id = \(id)")[0].decode(0, as: Bool.self)
            #expect(later)
        }
    }

    @Test func defaultBatchIsTodayUTC() async throws {
        try await APITestServer.with { api in
            let id = try await api.create()
            let batch = try await api.pool.query("SELECT batch, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM tasks WHERE task_id = \(id)")[0]
            #expect(try batch.decode(0, as: String.self) == batch.decode(1, as: String.self))
        }
    }

    @Test func repeatedIdempotencyKeyReturnsTheFirstID() async throws {
        try await APITestServer.with { api in
            let first = try await api.create(extra: #""idempotency_key":"order-17""#)
            let second = try await api.create(condition: #"{"other":true}"#, extra: #""idempotency_key":"order-17""#)
            #expect(first == second)
            #expect(try await api.taskCount() == 1)
            // Keys are per user: bob's "order-17" is a different task.
            let bobs = try await api.create(as: "bob", extra: #""idempotency_key":"order-17""#)
            #expect(bobs != first)
            // In a bulk request, a known key returns the old id in its place.
            let bulk = try await api.ok("create_task", #"{"data":[{"service":"echo","condition":{},"idempotency_key":"order-17"},{"service":"echo","condition":{}}]}"#)
                .array("task_ids")
            #expect(bulk.first == .string(first))
            #expect(try await api.taskCount() == 3)
        }
    }

    @Test func bulkCreateReturnsIdsInOrder() async throws {
        try await APITestServer.with { api in
            let reply = try await api.ok("create_task", #"{"data":[{"service":"echo","condition":{"i":0}},{"service":"sleep","condition":{"i":1},"start":false}]}"#)
            let ids = try reply.array("task_ids").map { value -> String in
                guard case .string(let id) = value else { throw JSONShapeError(description: "\(value)") }
                return id
            }
            #expect(ids.count == 2)
            #expect(ids[0].hasPrefix("ts_echo_") && ids[1].hasPrefix("ts_sleep_"))
            #expect(try await api.status(of: ids[0]) == "waiting")
            #expect(try await api.status(of: ids[1]) == "ready")
        }
    }

    @Test func bulkCreateAtTheLimitSucceeds() async throws {
        try await APITestServer.with { api in
            let items = Array(repeating: #"{"service":"echo","condition":{}}"#, count: api.configuration.tasks.maxBulkCreate)
            let reply = try await api.ok("create_task", #"{"data":[\#(items.joined(separator: ","))]}"#)
            #expect(try reply.array("task_ids").count == 1000)
            #expect(try await api.taskCount() == 1000)
        }
    }

    /// One bad item anywhere refuses the whole request; nothing is stored.
    @Test(arguments: [
        (#"{"service":"echo"}"#, 2000),
        (#"{"service":"echo","condition":[]}"#, 2001),
        (#"{"service":"nope","condition":{}}"#, 3000),
        (#"{"service":"echo","condition":{},"priority":10}"#, 2001),
        (#"{"service":"echo","condition":{},"idempotency_key":"k"}"#, 2001),
        (#""just a string""#, 2001),
    ])
    func bulkCreateIsAllOrNothing(badItem: String, code: Int) async throws {
        try await APITestServer.with { api in
            let good = #"{"service":"echo","condition":{},"idempotency_key":"k"}"#
            let reply = try await api.call("create_task", #"{"data":[\#(good),\#(good.replacingOccurrences(of: "\"k\"", with: "\"j\"")),\#(badItem)]}"#)
            #expect(reply.code == code, "\(reply)")
            #expect(reply.status == 422)
            #expect(try await api.taskCount() == 0)
        }
    }
}
