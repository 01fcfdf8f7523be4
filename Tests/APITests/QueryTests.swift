import JobCore
import Testing

/// `status_task`, `result_task` and the `tasks` list.
@Suite struct QueryTests {
    @Test func statusTaskAnswersInRequestOrderWithInvalid() async throws {
        try await APITestServer.with { api in
            let waiting = try await api.create()
            let ready = try await api.task(in: .ready)
            let bobs = try await api.create(as: "bob")
            let unknown = "ts_echo_0123456789abcdef0123456789abcdef"
            let body = #"{"data":[{"task_id":"\#(ready)"},{"task_id":"garbage"},{"task_id":"\#(waiting)"},{"task_id":"\#(bobs)"},{"task_id":"\#(unknown)"},{"task_id":"\#(ready)"}]}"#
            let items = try await api.ok("status_task", body).array("status")
            #expect(try items.map { try $0.string("task_id") } == [ready, "garbage", waiting, bobs, unknown, ready])
            // Bob's task is not alice's to see: Invalid, like an unknown id.
            #expect(try items.map { try $0.string("status") } == ["ready", "Invalid", "waiting", "Invalid", "Invalid", "ready"])
            for item in items {
                #expect(item.isNull("start_time") && item.isNull("end_time") && item.isNull("progress"))
                #expect(try item.string("message") == "")
            }
        }
    }

    @Test func statusTaskAcceptsTheOtherIdForms() async throws {
        try await APITestServer.with { api in
            let id = try await api.create()
            for body in [#"[{"task_id":"\#(id)"}]"#, #"["\#(id)"]"#, #"{"task_id":"\#(id)"}"#, #"{"data":{"task_id":["\#(id)"]}}"#] {
                let items = try await api.ok("status_task", body).array("status")
                #expect(try items.map { try $0.string("status") } == ["waiting"], "\(body)")
            }
            #expect(try await api.ok("status_task", #"{"data":[]}"#).array("status").isEmpty)
        }
    }

    @Test func statusTaskShowsRunTimesAndProgress() async throws {
        try await APITestServer.with { api in
            let id = try await api.task(in: .running)
            try await api.ok("update_status_task", as: "feeder", #"{"task_id":"\#(id)","status":"running","progress":0.25,"message":"a quarter"}"#)
            let item = try await api.ok("status_task", as: "feeder", #"[{"task_id":"\#(id)"}]"#).array("status")[0]
            #expect(try item.string("status") == "running")
            #expect(try item.string("message") == "a quarter")
            #expect(item["progress"] == .number("0.25"))
            #expect(try item.string("start_time").hasSuffix("Z"))
            #expect(item.isNull("end_time"))
        }
    }

    @Test func resultTaskBeforeAndAfterTheRun() async throws {
        try await APITestServer.with { api in
            let id = try await api.create()
            let before = try await api.ok("result_task", #"{"data":{"task_id":"\#(id)"}}"#)
            #expect(before.isNull("data") && before.isNull("start_time") && before.isNull("end_time") && before.isNull("spend_time"))
            #expect(try before.string("status") == "waiting")
            try await api.drive(id, to: .running)
            try await api.ok("update_status_task", as: "feeder", #"{"task_id":"\#(id)","status":"finished","result":{"answer":42},"message":"done"}"#)
            let after = try await api.ok("result_task", #"{"task_id":"\#(id)"}"#)
            #expect(after["data"] == .object([.init("answer", .number("42"))]))
            #expect(try after.string("status") == "finished")
            #expect(try after.string("message") == "done")
            let start = try after.string("start_time"), end = try after.string("end_time")
            #expect(start.count == 24 && end.count == 24 && start <= end, "RFC 3339 with milliseconds: \(start) \(end)")
            guard case .number(let spend)? = after["spend_time"], let seconds = Double(spend) else {
                Issue.record("spend_time is not a number: \(after)")
                return
            }
            #expect(seconds >= 0)
        }
    }

    @Test func listFiltersAndCountsTotal() async throws {
        try await APITestServer.with { api in
            for i in 0..<3 { _ = try await api.create(service: "echo", extra: #""batch":"b\#(i % 2)","tag":"t\#(i)""#) }
            _ = try await api.create(service: "sleep", extra: #""batch":"b0","start":false"#)
            _ = try await api.create(as: "bob", service: "echo", extra: #""batch":"b0""#)
            let all = try await api.ok("tasks")
            #expect(try all.int("total") == 4 && all.int("count") == 4)
            let cases: [(String, Int)] = [
                (#"{"service":"echo"}"#, 3), (#"{"service":"sleep"}"#, 1), (#"{"batch":"b0"}"#, 3),
                (#"{"batch":"b0","service":"echo"}"#, 2), (#"{"status":"ready"}"#, 1), (#"{"status":"waiting"}"#, 3),
                (#"{"tag":"t1"}"#, 1), (#"{"data":{"tag":"t1"}}"#, 1), (#"{"status":"failed"}"#, 0), (#"{"service":"fail"}"#, 0),
            ]
            for (filter, expected) in cases {
                let page = try await api.ok("tasks", filter)
                #expect(try page.int("total") == expected, "\(filter)")
                #expect(try page.array("data").count == expected, "\(filter)")
            }
            // An admin sees everyone's tasks.
            #expect(try await api.ok("tasks", as: "root").int("total") == 5)
            let item = try all.array("data")[0]
            for key in ["task_id", "service", "status", "condition", "priority", "tag", "batch", "attempt", "create_time", "start_time", "end_time"] {
                #expect(item[key] != nil, "list item lacks \(key)")
            }
        }
    }

    @Test func pagesAreNewestFirstAndEndEmpty() async throws {
        try await APITestServer.with { api in
            var created: [String] = []
            for _ in 0..<7 { created.append(try await api.create()) }
            let newestFirst = Array(created.reversed())
            let first = try await api.ok("tasks", #"{"p_size":3,"page":1}"#)
            #expect(try first.array("data").map { try $0.string("task_id") } == Array(newestFirst[0..<3]))
            let third = try await api.ok("tasks", #"{"p_size":3,"page":3}"#)
            #expect(try third.array("data").map { try $0.string("task_id") } == [newestFirst[6]])
            #expect(third.isNull("next_cursor"))
            let beyond = try await api.ok("tasks", #"{"p_size":3,"page":4}"#)
            #expect(try beyond.array("data").isEmpty && beyond.int("count") == 0 && beyond.int("total") == 7)
            #expect(try await api.ok("tasks", #"{"p_size":1}"#).array("data").count == 1)
            #expect(try await api.ok("tasks", #"{"p_size":100}"#).array("data").count == 7)
            #expect(try await api.ok("tasks").array("data").count == 7)
        }
    }

    /// Keyset paging visits every row once, in order, across pages of every size.
    @Test func cursorPagesThroughAllRowsWithoutDuplicatesOrGaps() async throws {
        try await APITestServer.with { api in
            let items = Array(repeating: #"{"service":"echo","condition":{}}"#, count: 23)
            // One bulk insert: all rows share created_at, so the order rests on the task id.
            _ = try await api.ok("create_task", #"{"data":[\#(items.joined(separator: ","))]}"#)
            for _ in 0..<4 { _ = try await api.create() }
            let expected = try await api.ok("tasks", #"{"p_size":100}"#).array("data").map { try $0.string("task_id") }
            #expect(expected.count == 27)
            for size in [1, 4, 10, 27, 100] {
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let body = cursor.map { #"{"p_size":\#(size),"cursor":"\#($0)"}"# } ?? #"{"p_size":\#(size)}"#
                    let page = try await api.ok("tasks", body)
                    #expect(try page.int("total") == 27)
                    seen += try page.array("data").map { try $0.string("task_id") }
                    cursor = try? page.string("next_cursor")
                    pages += 1
                } while cursor != nil && pages < 100
                #expect(seen == expected, "page size \(size)")
            }
        }
    }
}
