import Foundation
import Testing
import TestSupport

/// A task running longer than the broker's `consumer_timeout` still finishes: the worker acks a
/// delivery once its claim commits and never holds one for long while its slot is busy.
@Suite(.hangGuard) struct ConsumerTimeoutTests {
    /// Sets the broker's consumer timeout and channel tick (for channels opened from now on) and
    /// returns the previous values. Runs only inside an exclusive broker section.
    static func setBrokerTimeouts(consumerTimeoutMs: Int, tickMs: Int) async throws -> (Int, Int) {
        // rabbitmqctl starts an Erlang node each time; on a loaded machine it can fail to reach
        // the broker in time, so try a few times.
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await evalBrokerTimeouts(consumerTimeoutMs: consumerTimeoutMs, tickMs: tickMs)
            } catch where attempt < 4 {
                try await Task.sleep(for: .seconds(2))
            }
        }
    }

    private static func evalBrokerTimeouts(consumerTimeoutMs: Int, tickMs: Int) async throws -> (Int, Int) {
        let output = try await TestRabbitMQ.rabbitmqctl(["eval", """
            {application:get_env(rabbit, consumer_timeout), application:get_env(rabbit, channel_tick_interval), \
            application:set_env(rabbit, consumer_timeout, \(consumerTimeoutMs)), \
            application:set_env(rabbit, channel_tick_interval, \(tickMs))}.
            """])
        let numbers = output.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count >= 2 else { throw ClusterError("unexpected rabbitmqctl output: \(output)") }
        return (numbers[0], numbers[1])
    }

    @Test func aTaskRunningPastTheConsumerTimeoutFinishes() async throws {
        try await Cluster.with(.init(exclusiveBroker: true)) { cluster in
            let (timeout, tick) = try await Self.setBrokerTimeouts(consumerTimeoutMs: 4000, tickMs: 500)
            do {
                try await run(cluster)
                _ = try await Self.setBrokerTimeouts(consumerTimeoutMs: timeout, tickMs: tick)
            } catch {
                _ = try? await Self.setBrokerTimeouts(consumerTimeoutMs: timeout, tickMs: tick)
                throw error
            }
        }
    }

    private func run(_ cluster: Cluster) async throws {
        // One slot: while the long task runs, the next deliveries cannot start.
        let worker = try await cluster.startWorker(concurrency: 1)
        let long = try await cluster.create([#"{"service":"sleep","condition":{"seconds":10},"priority":9}"#])
        try await cluster.waitFor(long, status: "running")
        let queued = try await cluster.create(Array(repeating: #"{"service":"echo","condition":{}}"#, count: 3))
        try await cluster.waitFor(long + queued, status: "finished", timeout: .seconds(60))
        let row = try await cluster.task(long[0])
        #expect(row.attempt == 1)
        #expect(row.workerID == worker.id)
        let rescued = try await cluster.pool.query(
            "SELECT count(*) FROM task_events WHERE task_id = ANY(\(long + queued)) AND actor = 'reaper'")[0].decode(0, as: Int.self)
        #expect(rescued == 0)
        #expect(try await cluster.finishedTwice().isEmpty)
        let log = worker.process.log
        #expect(!log.contains("PRECONDITION_FAILED"), "\(worker.process.tail())")
        #expect(!log.contains("consumer ended"), "\(worker.process.tail())")
    }
}
