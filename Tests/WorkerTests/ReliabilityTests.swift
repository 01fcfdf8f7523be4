import Foundation
import Testing
import TestSupport

/// Nothing lost, nothing finished twice: a worker killed mid-run, SIGTERM drains, many tasks
/// over two workers.
@Suite(.hangGuard) struct ReliabilityTests {
    @Test func killedWorkersTasksAreRescuedAndAllFinishOnce() async throws {
        try await Cluster.with { cluster in
            let victim = try await cluster.startWorker(concurrency: 4)
            let survivor = try await cluster.startWorker(concurrency: 4)
            let ids = try await cluster.create(Array(repeating: #"{"service":"sleep","condition":{"seconds":0.4}}"#, count: 100))
            // In the middle: some finished, and the victim runs tasks.
            try await cluster.eventually("the victim runs tasks after 20 finished", timeout: .seconds(60), every: .milliseconds(20)) {
                let finished = try await cluster.count(ids, status: "finished")
                let held = try await cluster.pool.query(
                    "SELECT count(*) FROM tasks WHERE worker_id = \(victim.id) AND status = 'running'")[0].decode(0, as: Int.self)
                return finished >= 20 && held > 0
            }
            victim.process.signal(SIGKILL)
            #expect(await victim.process.waitForExit(timeout: .seconds(10)) == 128 + SIGKILL)
            let killedAt = try await cluster.pool.query("SELECT now()")[0].decode(0, as: Date.self)
            try await cluster.waitFor(ids, status: "finished", timeout: .seconds(90))

            #expect(try await cluster.finishedTwice().isEmpty)
            let finishedEvents = try await cluster.pool.query(
                "SELECT count(*) FROM task_events WHERE task_id = ANY(\(ids)) AND to_status = 'finished'")[0].decode(0, as: Int.self)
            #expect(finishedEvents == 100)
            // Orphans: claimed by the victim, never completed by it (a completion already sent
            // when it was killed may still commit, so they are found from the events, at the end).
            let orphans = try await cluster.pool.query("""
                SELECT task_id FROM (
                    SELECT DISTINCT ON (task_id) task_id, to_status FROM task_events
                    WHERE actor = \(victim.id) AND task_id = ANY(\(ids)) ORDER BY task_id, id DESC
                ) last WHERE to_status = 'running'
                """).map { try $0.decode(0, as: String.self) }
            let allRescues = try await cluster.pool.query(
                "SELECT count(*) FROM task_events WHERE task_id = ANY(\(ids)) AND actor = 'reaper'")[0].decode(0, as: Int.self)
            #expect(allRescues == orphans.count)
            // Every orphan was rescued by the reaper, within lease + heartbeat (+ reaper interval and margin).
            let rescues = try await cluster.pool.query("""
                SELECT task_id, extract(epoch FROM at - \(killedAt))::float8, message FROM task_events
                WHERE task_id = ANY(\(orphans)) AND actor = 'reaper' ORDER BY at
                """)
            #expect(rescues.count == orphans.count, "orphans \(orphans.count), rescued \(rescues.count)")
            let worst = try rescues.map { try $0.decode(1, as: Double.self) }.max() ?? 0
            let bound = cluster.settings.leaseSeconds + cluster.settings.heartbeatSeconds + 3
            print("rescued \(rescues.count) task(s) of the killed worker; slowest \(worst) s after the kill (bound \(bound) s)")
            #expect(!orphans.isEmpty)
            #expect(worst <= bound)
            #expect(worst <= 15)
            for row in rescues { #expect(try row.decode(2, as: String.self).contains("lease expired: worker \(victim.id)")) }
            let rerunBySurvivor = try await cluster.pool.query(
                "SELECT count(*) FROM tasks WHERE task_id = ANY(\(orphans)) AND worker_id = \(survivor.id)")[0].decode(0, as: Int.self)
            #expect(rerunBySurvivor == orphans.count)
        }
    }

    @Test func sigtermLetsRunningTasksFinishRequeuesTheRestAndExitsZero() async throws {
        try await Cluster.with(.init(shutdownGrace: 4)) { cluster in
            let worker = try await cluster.startWorker(concurrency: 2)
            let short = try await cluster.create([#"{"service":"sleep","condition":{"seconds":1.5}}"#])
            let long = try await cluster.create([#"{"service":"sleep","condition":{"seconds":120}}"#])
            try await cluster.waitFor(short + long, status: "running")
            worker.process.signal(SIGTERM)
            let status = await worker.process.waitForExit(timeout: .seconds(30))
            #expect(status == 0, "\(worker.process.tail())")
            #expect(try await cluster.task(short[0]).status == "finished")
            let requeued = try await cluster.task(long[0])
            #expect(requeued.status == "waiting")
            #expect(requeued.message.contains("stopped before the run finished; requeued"))
            #expect(try await cluster.pool.query(
                "SELECT state FROM workers WHERE worker_id = \(worker.id)")[0].decode(0, as: String.self) == "stopped")
            // A new worker picks the requeued task up.
            try await cluster.startWorker(concurrency: 1)
            try await cluster.waitFor(long, status: "running")
            #expect(try await cluster.task(long[0]).attempt == 2)
            _ = try await cluster.call("cancel_task", #"{"task_id":"\#(long[0])"}"#)
            try await cluster.waitFor(long, status: "cancelled")
        }
    }

    @Test func twoWorkersRunAThousandEchoTasksNoneLost() async throws {
        try await Cluster.with { cluster in
            let first = try await cluster.startWorker(concurrency: 4)
            let second = try await cluster.startWorker(concurrency: 4)
            let ids = try await cluster.create((0..<1000).map { #"{"service":"echo","condition":{"i":\#($0)}}"# })
            #expect(Set(ids).count == 1000)
            try await cluster.waitFor(ids, status: "finished", timeout: .seconds(120))
            #expect(try await cluster.finishedTwice().isEmpty)
            let results = try await cluster.pool.query(
                "SELECT count(*) FROM tasks WHERE task_id = ANY(\(ids)) AND result = condition")[0].decode(0, as: Int.self)
            #expect(results == 1000)
            let byWorker = try await cluster.pool.query(
                "SELECT worker_id, count(*) FROM tasks WHERE task_id = ANY(\(ids)) GROUP BY 1").map {
                    (try $0.decode(0, as: String.self), try $0.decode(1, as: Int.self))
                }
            #expect(Set(byWorker.map(\.0)).isSubset(of: [first.id, second.id]))
            print("1000 echo tasks by worker: \(byWorker)")
        }
    }
}
