import Foundation
import JobCore
import Testing
import TestSupport

/// Endpoint 12 (`workers`, `worker_control`) against live workers, and the worker's metrics port.
@Suite(.hangGuard) struct WorkerControlTests {
    /// The `data` items of `POST /api/workers`.
    static func workers(_ cluster: Cluster, as user: String = "root") async throws -> [JSONValue] {
        let answer = try await cluster.call("workers", "{}", as: user)
        guard answer.status == 200, case .array(let items)? = answer.body["data"] else {
            throw ClusterError("workers answered \(answer.status): \(JSONWriter.string(answer.body))")
        }
        return items
    }

    static func item(_ cluster: Cluster, _ id: String) async throws -> JSONValue? {
        try await workers(cluster).first { $0["worker_id"] == .string(id) }
    }

    @Test func pauseStopsIntakeAndResumeRestartsIt() async throws {
        try await Cluster.with { cluster in
            let worker = try await cluster.startWorker(concurrency: 2)
            let listed = try #require(try await Self.item(cluster, worker.id))
            #expect(listed["pid"] == .number("\(worker.process.pid)"))
            #expect(listed["state"] == .string("running"))
            #expect(listed["live"] == .bool(true))
            #expect(listed["concurrency"] == .number("2"))
            #expect(listed["services"] == .array([.string("echo"), .string("fail"), .string("sleep")]))
            if case .array(let load)? = listed["load"] { #expect(load.count == 3) } else { Issue.record("no load") }

            let paused = try await cluster.call("worker_control", #"{"worker_id":"\#(worker.id)","action":"pause"}"#)
            #expect(paused.status == 200 && paused.body["action"] == .string("pause"))
            try await cluster.eventually("the worker reports paused", timeout: .seconds(15)) {
                try await Self.item(cluster, worker.id)?["state"] == .string("paused")
            }
            let ids = try await cluster.create(Array(repeating: #"{"service":"echo","condition":{}}"#, count: 3))
            // Three heartbeats later nothing has been taken.
            try await Task.sleep(for: .seconds(3 * cluster.settings.heartbeatSeconds))
            #expect(try await cluster.count(ids, status: "waiting") == 3)

            _ = try await cluster.call("worker_control", #"{"worker_id":"\#(worker.id)","action":"resume"}"#)
            try await cluster.waitFor(ids, status: "finished", timeout: .seconds(30))
            try await cluster.eventually("the worker reports running", timeout: .seconds(15)) {
                try await Self.item(cluster, worker.id)?["state"] == .string("running")
            }

            _ = try await cluster.call("worker_control", #"{"worker_id":"\#(worker.id)","action":"set_concurrency","value":3}"#)
            try await cluster.eventually("the worker reports concurrency 3", timeout: .seconds(15)) {
                try await Self.item(cluster, worker.id)?["concurrency"] == .number("3")
            }

            _ = try await cluster.call("worker_control", #"{"worker_id":"\#(worker.id)","action":"stop"}"#)
            #expect(await worker.process.waitForExit(timeout: .seconds(30)) == 0, "\(worker.process.tail(40))")
            let stopped = try await Self.item(cluster, worker.id)
            #expect(stopped?["state"] == .string("stopped"))
            #expect(stopped?["live"] == .bool(false))
            let late = try await cluster.call("worker_control", #"{"worker_id":"\#(worker.id)","action":"resume"}"#)
            #expect(late.status == 409 && late.code == 4001)
        }
    }

    @Test func controlChecksRoleWorkerActionAndValue() async throws {
        try await Cluster.with { cluster in
            let worker = try await cluster.startWorker(concurrency: 1)
            let id = worker.id
            // Listing: admins and users; consumers are refused.
            #expect(try await Self.workers(cluster, as: "alice").count == 1)
            let consumer = try await cluster.call("workers", "{}", as: "feeder")
            #expect(consumer.status == 403 && consumer.code == 403)
            let cases: [(body: String, user: String, status: Int, code: Int, message: String)] = [
                (#"{"worker_id":"\#(id)","action":"pause"}"#, "alice", 403, 403, "not allowed: only an admin may control workers"),
                (#"{"worker_id":"\#(id)","action":"pause"}"#, "feeder", 403, 403, ""),
                (#"{"worker_id":"nobody-1","action":"pause"}"#, "root", 404, 4000, "worker not found: nobody-1"),
                (#"{"action":"pause"}"#, "root", 422, 2000, "field worker_id is required"),
                (#"{"worker_id":"\#(id)"}"#, "root", 422, 2000, "field action is required"),
                (#"{"worker_id":"\#(id)","action":"explode"}"#, "root", 422, 2001,
                 "field action must be one of pause, resume, stop, set_concurrency"),
                (#"{"worker_id":7,"action":"pause"}"#, "root", 422, 2001, ""),
                (#"{"worker_id":"\#(id)","action":"set_concurrency"}"#, "root", 422, 2000, "field value is required"),
                (#"{"worker_id":"\#(id)","action":"set_concurrency","value":0}"#, "root", 422, 2001, ""),
                (#"{"worker_id":"\#(id)","action":"set_concurrency","value":"2"}"#, "root", 422, 2001, ""),
                (#"{"data":{"worker_id":"\#(id)","action":"pause","value":2}}"#, "root", 422, 2001,
                 "field data.value must be absent unless action is set_concurrency"),
            ]
            for item in cases {
                let answer = try await cluster.call("worker_control", item.body, as: item.user)
                #expect(answer.status == item.status, "\(item.body)")
                #expect(answer.code == item.code, "\(item.body)")
                if !item.message.isEmpty { #expect(answer.message == item.message, "\(item.body)") }
            }
            // None of the refused commands reached the worker.
            let pending = try await cluster.pool.query("SELECT command::text FROM workers WHERE worker_id = \(id)")[0]
            #expect(try pending.decode(0, as: String?.self) == nil)
            #expect(try await Self.item(cluster, id)?["state"] == .string("running"))
        }
    }

    @Test func workerMetricsCountRunsFailuresAndDurations() async throws {
        try await Cluster.with { cluster in
            let port = try TestPorts.freePort()
            try await cluster.startWorker(concurrency: 2, environment: ["JOBS_WORKER_METRICS_PORT": "\(port)"])
            let ok = try await cluster.create(Array(repeating: #"{"service":"echo","condition":{}}"#, count: 3))
            let bad = try await cluster.create([#"{"service":"fail","condition":{},"max_attempts":1}"#])
            try await cluster.waitFor(ok, status: "finished")
            try await cluster.waitFor(bad, status: "failed")
            let scrape = try #require(await cluster.get("/metrics", port: port))
            #expect(scrape.status == 200)
            let lines = Set(scrape.body.split(separator: "\n").map(String.init))
            #expect(lines.contains(#"jobworker_tasks_run_total{service="echo"} 3"#), "\(scrape.body)")
            #expect(lines.contains(#"jobworker_tasks_run_total{service="fail"} 1"#))
            #expect(lines.contains(#"jobworker_tasks_failed_total{service="fail"} 1"#))
            #expect(lines.contains(#"jobworker_task_duration_seconds_count{service="echo"} 3"#))
            #expect(lines.contains(#"jobworker_concurrency 2.0"#))
        }
    }
}
