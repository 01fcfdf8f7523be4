import JobCore
import Testing

/// Every error code of the contract's table (SPEC section 2) over HTTP, with its status.
@Suite struct ErrorCodeTests {
    /// 2000: a required field is missing, named with its path.
    @Test(arguments: [
        ("create_task", #"{"data":{"condition":{}}}"#, "data.service"),
        ("create_task", #"{"data":{"service":"echo"}}"#, "data.condition"),
        ("create_task", #"{"service":"echo"}"#, "condition"),
        ("result_task", #"{"data":{}}"#, "data.task_id"),
        ("start_task", #"{}"#, "task_id"),
        ("update_task", #"{"task_id":"ts_echo_00000000000000000000000000000000"}"#, "condition"),
        ("update_status_task", #"{"task_id":"ts_echo_00000000000000000000000000000000"}"#, "status"),
        ("status_task", #"{"data":[{"id":"x"}]}"#, "data[0].task_id"),
        ("cancel_task", #"{}"#, "task_id"),
        ("rerun_task", #"{"data":{}}"#, "data.task_id"),
        ("copy_task", #"{"batch":null}"#, "task_id"),
        ("delete_task", #"{}"#, "task_id"),
    ])
    func missingField(endpoint: String, body: String, field: String) async throws {
        try await APITestServer.with { api in
            let reply = try await api.call(endpoint, as: "root", body)
            #expect(reply.status == 422, "\(reply)")
            #expect(reply.code == 2000)
            #expect(reply.text.contains(field), "\(reply)")
        }
    }

    /// 2001: each typed field with a value of the wrong type or out of range.
    @Test(arguments: [
        ("create_task", #""service":1,"condition":{}"#, "data.service"),
        ("create_task", #""service":"Echo!","condition":{}"#, "data.service"),
        ("create_task", #""service":"echo","condition":"x""#, "data.condition"),
        ("create_task", #""service":"echo","condition":[1]"#, "data.condition"),
        ("create_task", #""service":"echo","condition":{},"priority":"1""#, "data.priority"),
        ("create_task", #""service":"echo","condition":{},"priority":1.5"#, "data.priority"),
        ("create_task", #""service":"echo","condition":{},"priority":-1"#, "data.priority"),
        ("create_task", #""service":"echo","condition":{},"priority":10"#, "data.priority"),
        ("create_task", #""service":"echo","condition":{},"tag":"a b""#, "data.tag"),
        ("create_task", #""service":"echo","condition":{},"tag":"""#, "data.tag"),
        ("create_task", #""service":"echo","condition":{},"tag":7"#, "data.tag"),
        ("create_task", #""service":"echo","condition":{},"batch":\#(String(repeating: "b", count: 129).debugDescription)"#, "data.batch"),
        ("create_task", #""service":"echo","condition":{},"batch":[]"#, "data.batch"),
        ("create_task", #""service":"echo","condition":{},"max_attempts":0"#, "data.max_attempts"),
        ("create_task", #""service":"echo","condition":{},"max_attempts":"3""#, "data.max_attempts"),
        ("create_task", #""service":"echo","condition":{},"timeout":0"#, "data.timeout"),
        ("create_task", #""service":"echo","condition":{},"timeout":"10""#, "data.timeout"),
        ("create_task", #""service":"echo","condition":{},"delay":-1"#, "data.delay"),
        ("create_task", #""service":"echo","condition":{},"delay":true"#, "data.delay"),
        ("create_task", #""service":"echo","condition":{},"start":"yes""#, "data.start"),
        ("create_task", #""service":"echo","condition":{},"idempotency_key":5"#, "data.idempotency_key"),
        ("tasks", #""p_size":0"#, "data.p_size"),
        ("tasks", #""p_size":101"#, "data.p_size"),
        ("tasks", #""p_size":"10""#, "data.p_size"),
        ("tasks", #""page":0"#, "data.page"),
        ("tasks", #""status":"done""#, "data.status"),
        ("tasks", #""cursor":"nonsense""#, "data.cursor"),
        ("tasks", #""service":5"#, "data.service"),
        ("update_status_task", #""task_id":"x","status":"waiting""#, "data.status"),
        ("update_status_task", #""task_id":"x","status":"running","progress":1.5"#, "data.progress"),
        ("update_status_task", #""task_id":"x","status":"running","progress":"half""#, "data.progress"),
        ("update_status_task", #""task_id":"x","status":"running","message":3"#, "data.message"),
        ("update_task", #""task_id":"x","condition":3"#, "data.condition"),
        ("result_task", #""task_id":42"#, "data.task_id"),
        ("cancel_task", #""status":"nope""#, "data.status"),
        ("summary", #""batch":1"#, "data.batch"),
    ])
    func wrongType(endpoint: String, fields: String, field: String) async throws {
        try await APITestServer.with { api in
            let reply = try await api.call(endpoint, as: "root", #"{"data":{\#(fields)}}"#)
            #expect(reply.status == 422, "\(reply)")
            #expect(reply.code == 2001, "\(reply)")
            #expect(reply.text.contains(field), "\(reply)")
        }
    }

    /// 2002: not JSON, not UTF-8, or not sent as JSON.
    @Test(arguments: [
        ("application/json", Array(#"{"data":"#.utf8)),
        ("application/json", Array("{'a':1}".utf8)),
        ("application/json", [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]),
        ("application/json", Array(#"{"a":1} trailing"#.utf8)),
        ("text/plain", Array(#"{"data":{}}"#.utf8)),
        ("application/x-www-form-urlencoded", Array("a=1".utf8)),
        ("", Array(#"{"data":{}}"#.utf8)),
    ])
    func badBody(contentType: String, body: [UInt8]) async throws {
        try await APITestServer.with { api in
            let timestamp = APITestServer.now()
            var headers = ["Authorization": api.authorization("alice", timestamp)]
            if !contentType.isEmpty { headers["Content-Type"] = contentType }
            let reply = try await api.send("POST", "/api/tasks?_=\(timestamp)", headers: headers, body: body)
            #expect(reply.status == 400, "\(reply)")
            #expect(reply.code == 2002, "\(reply)")
        }
    }

    /// A task id with `\u0000` (found by scripts/fuzz-api.sh: it reached PostgreSQL, a 500).
    @Test(arguments: ["cancel_task", "rerun_task", "copy_task", "delete_task", "status_task", "start_task", "result_task"])
    func nulInTaskIDIs2001(endpoint: String) async throws {
        try await APITestServer.with { api in
            for body in [#"{"task_id":"a\u0000b"}"#, #"{"task_id":["a\u0000b"]}"#, #"["a\u0000b"]"#, #"[{"task_id":"a\u0000b"}]"#] {
                let reply = try await api.call(endpoint, as: "root", body)
                #expect(reply.status == 422 && reply.code == 2001, "\(endpoint) \(body): \(reply)")
            }
        }
    }

    @Test func unknownServiceIs3000() async throws {
        try await APITestServer.with { api in
            let reply = try await api.call("create_task", #"{"data":{"service":"unknown_service","condition":{}}}"#)
            #expect(reply.status == 422)
            #expect(reply.code == 3000)
            #expect(reply.text.contains("service not support"))
        }
    }

    /// 4002: more ids than `tasks.max_status_task`, more items than `tasks.max_bulk_create`.
    @Test func tooManyItemsIs4002() async throws {
        try await APITestServer.with { api in
            let ids = (0...api.configuration.tasks.maxStatusTask).map { _ in #"{"task_id":"x"}"# }
            let status = try await api.call("status_task", #"{"data":[\#(ids.joined(separator: ","))]}"#)
            #expect(status.status == 422 && status.code == 4002, "\(status)")
            let atLimit = try await api.call("status_task", #"{"data":[\#(ids.dropLast().joined(separator: ","))]}"#)
            #expect(atLimit.code == 0)
            let items = Array(repeating: #"{"service":"echo","condition":{}}"#, count: api.configuration.tasks.maxBulkCreate + 1)
            let bulk = try await api.call("create_task", #"{"data":[\#(items.joined(separator: ","))]}"#)
            #expect(bulk.status == 422 && bulk.code == 4002, "\(bulk)")
            #expect(try await api.taskCount() == 0)
        }
    }

    /// 4130: a body over `server.max_body_bytes` is refused before it is parsed.
    @Test func bodyTooLargeIs4130() async throws {
        try await APITestServer.with({ $0.server.maxBodyBytes = 4096 }) { api in
            let padding = String(repeating: "x", count: 4096)
            let reply = try await api.call("create_task", #"{"data":{"service":"echo","condition":{"pad":"\#(padding)"}}}"#)
            #expect(reply.status == 413, "\(reply)")
            #expect(reply.code == 4130)
            #expect(reply.header("X-Request-Id") != nil)
            #expect(try await api.taskCount() == 0)
        }
    }

    /// 403: a consumer may only call status_task, update_status_task and result_task.
    @Test(arguments: ["create_task", "tasks", "start_task", "update_task", "service_task", "cancel_task",
                      "rerun_task", "copy_task", "delete_task", "summary"])
    func consumerIsForbidden(endpoint: String) async throws {
        try await APITestServer.with { api in
            let reply = try await api.call(endpoint, as: "feeder", #"{"data":{"service":"echo","condition":{}}}"#)
            #expect(reply.status == 403, "\(reply)")
            #expect(reply.code == 403)
            #expect(try await api.taskCount() == 0)
        }
    }

    @Test func methodNotAllowedHasAllow() async throws {
        try await APITestServer.with { api in
            for path in ["/api/create_task", "/api/tasks", "/api/summary"] {
                let reply = try await api.send("GET", path)
                #expect(reply.status == 405)
                #expect(reply.code == 405)
                #expect(reply.header("Allow") == "POST")
            }
            let health = try await api.send("POST", "/health")
            #expect(health.status == 405)
            #expect(health.header("Allow")?.contains("GET") == true)
        }
    }

    @Test func unknownPathIs404() async throws {
        try await APITestServer.with { api in
            for path in ["/api/nope", "/api", "/", "/api/create_task/"] {
                let reply = try await api.send("POST", path)
                #expect(reply.status == 404, "\(path): \(reply)")
                #expect(reply.code == 404)
            }
        }
    }

    @Test func healthAnswersWithoutAuthentication() async throws {
        try await APITestServer.with { api in
            let reply = try await api.send("GET", "/health")
            #expect(reply.status == 200)
            #expect(try reply.json().string("status") == "ok")
            #expect(reply.header("X-Request-Id") != nil)
        }
    }
}
