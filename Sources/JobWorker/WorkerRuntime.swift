import AMQP
import Foundation
import JobCore
import JobStore
import Logging
import PosixIO
import ServiceLifecycle

/// The moving parts of a running worker: consumers feeding one delivery stream, the slot
/// pool, the runs in progress, and the control state (running, paused, stopping).
actor WorkerRuntime {
    enum State: String { case running, paused, stopping }

    let settings: WorkerSettings
    let services: [String]
    let queues: [String]
    let amqp: ReconnectingConnection
    let runStore: TaskRunStore
    let workerStore: WorkerStore
    let runner: TaskRunner
    let logger: Logger
    let slots: SlotPool
    let notifier = SystemdNotifier()
    var state = State.running
    var concurrency: Int
    private var consumers: [Task<Void, Never>] = []
    private let deliveries: AsyncStream<Delivery>
    private let deliveryInput: AsyncStream<Delivery>.Continuation

    init(settings: WorkerSettings, services: [String], queues: [String], amqp: ReconnectingConnection,
         runStore: TaskRunStore, workerStore: WorkerStore, runner: TaskRunner, logger: Logger) {
        self.settings = settings
        self.services = services
        self.queues = queues
        self.amqp = amqp
        self.runStore = runStore
        self.workerStore = workerStore
        self.runner = runner
        self.logger = logger
        self.concurrency = settings.concurrency
        self.slots = SlotPool(capacity: settings.concurrency)
        (deliveries, deliveryInput) = AsyncStream.makeStream(of: Delivery.self)
    }

    /// Runs until a graceful shutdown (SIGTERM) or a `stop` command, then drains.
    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.heartbeatLoop() }
                startConsumers()
                notifier.notify("READY=1\nSTATUS=consuming \(queues.joined(separator: ", "))")
                logger.info("worker started", metadata: ["queues": "\(queues)", "concurrency": "\(concurrency)"])
                for await delivery in deliveries {
                    group.addTask { await self.handle(delivery) }
                }
                await drain()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await self.beginShutdown() }  // the handler is synchronous; run() awaits the drain
        }
        logger.info("worker stopped")
    }

    /// Stops intake; the delivery stream ends, and `run()` drains the runs in progress.
    func beginShutdown() async {
        guard state != .stopping else { return }
        state = .stopping
        notifier.notify("STOPPING=1")
        logger.info("worker stopping: no new tasks; waiting for running ones", metadata: ["running": "\(runner.running.count)"])
        stopConsumers()
        await slots.rejectWaiters()
        deliveryInput.finish()
    }

    /// Waits for running tasks up to the grace period, then requeues the rest.
    private func drain() async {
        let deadline = ContinuousClock.now + .seconds(settings.configuration.worker.shutdownGrace)
        if await !runner.running.waitUntilEmpty(deadline: deadline) {
            let left = runner.running.ids
            logger.warning("grace period over: requeueing unfinished tasks", metadata: ["tasks": "\(left)"])
            for id in left { runner.running.abandon(id) }
            _ = await runner.running.waitUntilEmpty(deadline: .now + .seconds(10))
        }
        _ = try? await workerStore.heartbeat(heartbeat(state: "stopped"))
    }

    // MARK: consumers

    func startConsumers() {
        guard consumers.isEmpty, state != .stopping else { return }
        let prefetch = UInt16(clamping: max(1, settings.configuration.amqp.prefetch > 0
            ? min(settings.configuration.amqp.prefetch, concurrency) : concurrency))
        for queue in queues {
            // Owned here: cancelled by stopConsumers() (pause, shutdown, new concurrency).
            consumers.append(Task { [amqp, deliveryInput, logger] in
                let stream = await amqp.consume(queue: queue, prefetch: prefetch)
                do {
                    for try await delivery in stream { deliveryInput.yield(delivery) }
                } catch {
                    logger.error("consumer ended", metadata: ["queue": "\(queue)", "error": "\(error)"])
                }
            })
        }
    }

    func stopConsumers() {
        for consumer in consumers { consumer.cancel() }
        consumers.removeAll()
    }

    // MARK: deliveries

    private func handle(_ delivery: Delivery) async {
        StageTrace.mark("worker.handle", [delivery.properties.messageID ?? ""])
        guard state != .stopping else {
            try? await delivery.nack(requeue: true)
            return
        }
        guard let taskID = delivery.properties.messageID ?? Self.taskID(in: delivery.body) else {
            logger.error("dropping a message without a task id", metadata: ["routing_key": "\(delivery.routingKey)"])
            try? await delivery.reject(requeue: false)
            return
        }
        // Hold a delivery only briefly while every slot is busy: give it back for another worker.
        guard await slots.acquire(timeout: .seconds(2)) else {
            try? await delivery.nack(requeue: true)
            return
        }
        let claim: TaskRunStore.Claim?
        do {
            claim = try await runStore.claim(taskID: taskID, workerID: settings.workerID, leaseSeconds: settings.configuration.worker.leaseSeconds)
        } catch {
            logger.warning("cannot claim a task; giving the delivery back", metadata: ["task_id": "\(taskID)", "error": "\(error)"])
            await slots.release()
            try? await delivery.nack(requeue: true)
            try? await Task.sleep(for: .seconds(1))
            return
        }
        // From here the lease in PostgreSQL protects the task, not the unacknowledged message.
        do { try await delivery.ack() } catch {
            logger.warning("cannot acknowledge a claimed delivery; a redelivery will be skipped", metadata: ["task_id": "\(taskID)"])
        }
        guard let claim else {
            await slots.release()
            return
        }
        let run = Task { [runner] in await runner.run(claim) }  // owned by `runner.running` until it ends
        runner.running.add(claim.taskID, attempt: claim.attempt, task: run)
        await run.value
        runner.running.remove(claim.taskID)
        await slots.release()
    }

    /// The task id of a message without `message_id`: `{"Task": {"task_id": ...}}`.
    static func taskID(in body: [UInt8]) -> String? {
        guard let value = try? JSONParser.parse(body), case .string(let id)? = value["Task"]?["task_id"] else { return nil }
        return id
    }
}
