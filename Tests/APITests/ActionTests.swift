import JobCore
import Testing

/// `start_task`, `update_task`, `update_status_task`, the bulk actions by id and by filter,
/// `service_task` and `summary`.
@Suite struct ActionTests {
    @Test func startTaskMovesReadyToWaiting() async throws {
        try await APITestServer.with { api in
            let id = try await api.task(in: .ready)
            #expect(try await api.ok("start_task", #"{"data":{"task_id":"\#(id)"}}"#).string("task_id") == id)
            #expect(try await api.status(of: id) == "waiting")
            #expect(try await api.events(of: id).last == .init(actor: "alice", from: "ready", to: "waiting"))
        }
    }

    /// A re-run keeps the id, resets attempts and clears the previous run.
    @Test(arguments: [TaskStatus.finished, .failed, .cancelled])
    func startTaskRerunsAnEndedTask(status: TaskStatus) async throws {
        try await APITestServer.with { api in
            let id = try await api.task(in: status)
            #expect(try await api.ok("start_task", #"{"task_id":"\#(id)"}"#).string("task_id") == id)
            let item = try await api.ok("tasks").array("data")[0]
            #expect(try item.string("task_id") == id)
            #expect(try item.string("status") == "waiting")
            #expect(try item.int("attempt") == 0)
            #expect(item.isNull("start_time") && item.isNull("end_time"))
            #expect(try await api.ok("result_task", #"{"task_id":"\#(id)"}"#).isNull("data"))
            #expect(try await api.taskCount() == 1)
        }
    }

    @Test func updateTaskReplacesTheCondition() async throws {
        try await APITestServer.with { api in
            let id = try await api.task(in: .ready)
            try await api.ok("update_task", #"{"data":{"task_id":"\#(id)","condition":{"v":2}}}"#)
            let item = try await api.ok("tasks").array("data")[0]
            #expect(item["condition"] == .object([.init("v", .number("2"))]))
        }
    }

    /// waiting → running → running (progress) → finished, each change an event by the caller.
    @Test func updateStatusTaskWalksTheTable() async throws {
        try await APITestServer.with { api in
            let id = try await api.create()
            let running = try await api.ok("update_status_task", as: "feeder", #"{"data":{"task_id":"\#(id)","status":"running"}}"#)
            #expect(running["status"] == .object([.init("task_id", .string(id)), .init("status", .string("running"))]))
            try await api.ok("update_status_task", as: "feeder", #"{"task_id":"\#(id)","status":"running","progress":0.5}"#)
            try await api.ok("update_status_task", as: "feeder", #"{"task_id":"\#(id)","status":"finished","result":[1,2]}"#)
            #expect(try await api.status(of: id) == "finished")
            #expect(try await api.events(of: id) == [
                .init(actor: "alice", from: nil, to: "waiting"),
                .init(actor: "feeder", from: "waiting", to: "running"),
                .init(actor: "feeder", from: "running", to: "finished"),
            ])
            let attempt = try await api.ok("tasks", as: "root").array("data")[0].int("attempt")
            #expect(attempt == 1)
        }
    }

    @Test func cancelRerunCopyDeleteById() async throws {
        try await APITestServer.with { api in
            let a = try await api.task(in: .ready), b = try await api.create()
            #expect(try await api.ok("cancel_task", #"{"task_id":["\#(a)","\#(b)"]}"#).int("affected") == 2)
            #expect(try await api.status(of: a) == "cancelled")
            #expect(try await api.status(of: b) == "cancelled")
            #expect(try await api.ok("rerun_task", #"[{"task_id":"\#(a)"}]"#).int("affected") == 1)
            #expect(try await api.status(of: a) == "waiting")
            let copy = try await api.ok("copy_task", #"{"data":{"task_id":"\#(b)"}}"#)
            #expect(try copy.int("affected") == 1)
            guard case .string(let copied)? = try copy.array("task_ids").first else { throw JSONShapeError(description: "\(copy)") }
            #expect(copied != b && copied.hasPrefix("ts_echo_"))
            #expect(try await api.status(of: copied) == "waiting")
            #expect(try await api.ok("delete_task", #"{"task_id":"\#(b)"}"#).int("affected") == 1)
            #expect(try await api.exists(b) == false)
            #expect(try await api.events(of: b).last == .init(actor: "alice", from: "cancelled", to: "deleted"))
        }
    }

    /// Running tasks are flagged, not cancelled: their worker ends them cooperatively.
    @Test func cancelFlagsARunningTask() async throws {
        try await APITestServer.with { api in
            let id = try await api.task(in: .running)
            #expect(try await api.ok("cancel_task", #"{"task_id":"\#(id)"}"#).int("affected") == 1)
            #expect(try await api.status(of: id) == "running")
            let flagged = try await api.pool.query("SELECT cancel_requested FROM tasks WHERE task_id = \(id)")[0].decode(0, as: Bool.self)
            #expect(flagged)
        }
    }

    /// By filter, tasks whose status forbids the action are skipped, never a 4001.
    @Test func filtersSkipNonMatchingStatuses() async throws {
        try await APITestServer.with { api in
            var ids: [TaskStatus: String] = [:]
            for status in TaskStatus.allCases { ids[status] = try await api.task(in: status) }
            let bobs = try await api.task(in: .finished, as: "bob")
            #expect(try await api.ok("rerun_task", #"{"service":"echo"}"#).int("affected") == 3)
            #expect(try await api.status(of: bobs) == "finished", "another user's task is out of reach")
            #expect(try await api.ok("cancel_task", #"{"data":{"batch":\#(try await batch(api, ids[.ready]!))}}"#).int("affected") == 6)
            // Five cancelled at once, the running one flagged (counted): all of alice's are
            // now cancelled except the running one.
            #expect(try await api.ok("delete_task", #"{"service":"echo","status":"cancelled"}"#).int("affected") == 5)
            #expect(try await api.ok("delete_task", #"{"service":"echo"}"#).int("affected") == 0)
            #expect(try await api.exists(ids[.running]!))
            #expect(try await api.exists(bobs))
            #expect(try await api.ok("copy_task", #"{"status":"running"}"#).int("affected") == 1)
        }
    }

    @Test func servicesAreSorted() async throws {
        try await APITestServer.with { api in
            let reply = try await api.ok("service_task")
            #expect(try reply.int("count") == 3)
            #expect(reply["data"] == .array([.string("echo"), .string("fail"), .string("sleep")]))
        }
    }

    @Test func summaryCountsPerServiceAndBatch() async throws {
        try await APITestServer.with { api in
            for status in [TaskStatus.ready, .finished, .finished, .failed] {
                let id = try await api.create(extra: #""batch":"s1""# + (status == .ready ? #","start":false"# : ""))
                try await api.drive(id, to: status)
            }
            _ = try await api.create(service: "sleep", extra: #""batch":"s1""#)
            _ = try await api.create(as: "bob", extra: #""batch":"s1""#)
            let rows = try await api.ok("summary", #"{"batch":"s1"}"#).array("data")
            #expect(rows.count == 2)
            let echo = rows[0]
            #expect(try echo.string("service") == "echo" && echo.string("batch") == "s1")
            let counts = try #require(echo["counts"])
            #expect(try counts.int("ready") == 1 && counts.int("finished") == 2 && counts.int("failed") == 1)
            #expect(try counts.int("waiting") == 0 && counts.int("running") == 0 && counts.int("cancelled") == 0)
            for key in ["avg_spend_time", "p50_spend_time", "p95_spend_time"] {
                guard case .number? = echo[key] else { Issue.record("\(key) is not a number: \(echo)"); continue }
            }
            #expect(try echo.string("first_create_time") <= echo.string("last_update_time"))
            let sleep = try await api.ok("summary", #"{"service":"sleep"}"#).array("data")
            #expect(sleep.count == 1)
            #expect(try await api.ok("summary", as: "root", #"{"batch":"s1","service":"echo"}"#).array("data")[0]["counts"]?.int("waiting") == 1)
        }
    }

    private func batch(_ api: APITestServer, _ id: String) async throws -> String {
        let item = try await api.ok("tasks", #"{"p_size":100}"#).array("data").first { (try? $0.string("task_id")) == id }
        return "\"\(try item?.string("batch") ?? "")\""
    }
}
