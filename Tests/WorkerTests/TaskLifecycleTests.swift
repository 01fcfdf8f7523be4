import Foundation
import JobCore
import Testing
import TestSupport

/// One task's way through real `jobserver` and `jobworker` processes: result, retries with
/// backoff, timeout, cancellation, priorities, tag routing.
@Suite(.hangGuard) struct TaskLifecycleTests {
    @Test func echoFinishesWithTheExactResult() async throws {
        try await Cluster.with { cluster in
            try await cluster.startWorker(concurrency: 2)
            let condition = #"{"n":12345678901234567890.000000000000000001,"s":"é\n\u0001"}"#
            let ids = try await cluster.create([#"{"service":"echo","condition":\#(condition)}"#])
            try await cluster.waitFor(ids, status: "finished")
            let answer = try await cluster.call("result_task", #"{"task_id":"\#(ids[0])"}"#, as: "root")
            #expect(answer.status == 200)
            #expect(answer.body["data"].map(JSONWriter.string) == JSONWriter.string(try JSONParser.parse(condition)))
            #expect(answer.body["status"] == .string("finished"))
            #expect(try await cluster.events(ids[0]).suffix(2) == ["running", "finished"])
            #expect(try await cluster.finishedTwice().isEmpty)
        }
    }

    @Test func failingTaskRetriesWithBackoffThenFails() async throws {
        try await Cluster.with { cluster in
            try await cluster.startWorker(concurrency: 2)
            let ids = try await cluster.create([#"{"service":"fail","condition":{"message":"boom"},"max_attempts":3}"#])
            // Between attempts the task waits with run_at in the future (the backoff).
            var sawBackoff = false
            try await cluster.eventually("a retry is scheduled", timeout: .seconds(30), every: .milliseconds(25)) {
                let row = try await cluster.task(ids[0])
                sawBackoff = sawBackoff || (row.status == "waiting" && row.attempt >= 1 && row.runAtAhead > 0.1)
                return sawBackoff || row.status == "failed"
            }
            #expect(sawBackoff, "no waiting state with run_at ahead was seen")
            try await cluster.waitFor(ids, status: "failed")
            let row = try await cluster.task(ids[0])
            #expect(row.message == "boom (attempt 3 of 3)")
            #expect(row.attempt == 3)
            #expect(try await cluster.events(ids[0]).suffix(6) == ["running", "waiting", "running", "waiting", "running", "failed"])
            // Each retry ran no earlier than the backoff allows (base 1 s: at least 0.5 s, then 1 s).
            let gaps = try await cluster.pool.query("""
                SELECT extract(epoch FROM at - lag(at) OVER (ORDER BY id))::float8, to_status, from_status
                FROM task_events WHERE task_id = \(ids[0]) ORDER BY id
                """).compactMap { row -> Double? in
                    try row.decode(2, as: String?.self) == "waiting" && row.decode(1, as: String.self) == "running"
                        ? try row.decode(0, as: Double?.self) : nil
                }
            #expect(gaps.count == 3)
            #expect(gaps.dropFirst().first.map { $0 >= 0.45 } == true, "retry 1 after \(gaps)")
            #expect(gaps.dropFirst(2).first.map { $0 >= 0.95 } == true, "retry 2 after \(gaps)")
        }
    }

    @Test func sleepPastItsTimeoutFailsWithTimeout() async throws {
        try await Cluster.with { cluster in
            try await cluster.startWorker(concurrency: 1)
            let ids = try await cluster.create([#"{"service":"sleep","condition":{"seconds":60},"timeout":1,"max_attempts":1}"#])
            try await cluster.waitFor(ids, status: "failed", timeout: .seconds(30))
            #expect(try await cluster.task(ids[0]).message == "timeout")
        }
    }

    @Test func cancellingARunningSleepCancelsItWithinTwoHeartbeats() async throws {
        try await Cluster.with { cluster in
            try await cluster.startWorker(concurrency: 1)
            let ids = try await cluster.create([#"{"service":"sleep","condition":{"seconds":60}}"#])
            try await cluster.waitFor(ids, status: "running")
            let started = ContinuousClock.now
            let answer = try await cluster.call("cancel_task", #"{"task_id":"\#(ids[0])"}"#)
            #expect(answer.status == 200 && answer.body["affected"] == .number("1"))
            try await cluster.waitFor(ids, status: "cancelled", timeout: .seconds(30))
            let elapsed = ContinuousClock.now - started
            print("cancel of a running sleep took \(elapsed) (heartbeat \(cluster.settings.heartbeatSeconds) s)")
            #expect(try await cluster.events(ids[0]).last == "cancelled")
            // The slot is free again: a new task runs.
            let next = try await cluster.create([#"{"service":"echo","condition":{}}"#])
            try await cluster.waitFor(next, status: "finished")
        }
    }

    @Test func withOneSlotHigherPriorityRunsFirst() async throws {
        try await Cluster.with { cluster in
            // Queue everything before any worker runs: the broker then orders by priority.
            let low = try await cluster.create(Array(repeating: #"{"service":"echo","condition":{"p":0},"priority":0}"#, count: 4))
            let high = try await cluster.create(Array(repeating: #"{"service":"echo","condition":{"p":9},"priority":9}"#, count: 4))
            try await cluster.eventually("the outbox is published", timeout: .seconds(30)) {
                try await cluster.pool.query("SELECT count(*) FROM task_outbox")[0].decode(0, as: Int.self) == 0
            }
            try await cluster.startWorker(concurrency: 1)
            try await cluster.waitFor(low + high, status: "finished")
            let order = try await cluster.pool.query("""
                SELECT priority FROM tasks WHERE task_id = ANY(\(low + high)) ORDER BY started_at, task_id
                """).map { try $0.decode(0, as: Int.self) }
            #expect(order == [9, 9, 9, 9, 0, 0, 0, 0])
        }
    }

    @Test func aTaggedTaskRunsOnlyOnAWorkerWithThatTag() async throws {
        try await Cluster.with { cluster in
            let plain = try await cluster.startWorker(concurrency: 2)
            let gpu = try await cluster.startWorker(concurrency: 2, tags: ["gpu"])
            let tagged = try await cluster.create(Array(repeating: #"{"service":"echo","condition":{},"tag":"gpu"}"#, count: 10))
            let untagged = try await cluster.create(Array(repeating: #"{"service":"echo","condition":{}}"#, count: 10))
            try await cluster.waitFor(tagged + untagged, status: "finished")
            for id in tagged { #expect(try await cluster.task(id).workerID == gpu.id) }
            let ran = try await cluster.pool.query("SELECT DISTINCT worker_id FROM tasks WHERE task_id = ANY(\(untagged))")
                .map { try $0.decode(0, as: String.self) }
            #expect(Set(ran).isSubset(of: [plain.id, gpu.id]))
        }
    }
}
