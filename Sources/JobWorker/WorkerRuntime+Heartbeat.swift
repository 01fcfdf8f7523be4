import Foundation
import JobCore
import JobStore

extension WorkerRuntime {
    /// Every `worker.heartbeat_seconds`: renews the leases of the runs in progress, cancels
    /// those whose cancellation was requested, stops those this worker no longer holds,
    /// refreshes the `workers` row and applies its pending control command.
    func heartbeatLoop() async {
        let interval = Duration.seconds(settings.configuration.worker.heartbeatSeconds)
        while !Task.isCancelled {
            await beat()
            try? await Task.sleep(for: interval)
        }
    }

    private func beat() async {
        do {
            let (cancel, lost) = try await runStore.renewLeases(
                taskIDs: runner.running.ids, workerID: settings.workerID, leaseSeconds: settings.configuration.worker.leaseSeconds)
            for id in cancel { runner.running.cancel(id) }
            for id in lost { runner.running.abandon(id) }
            if let command = try await workerStore.heartbeat(heartbeat(state: state.rawValue)) {
                await apply(command)
            }
            if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
        } catch {
            logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
        }
    }

    func heartbeat(state: String) -> WorkerStore.Heartbeat {
        WorkerStore.Heartbeat(
            workerID: settings.workerID, host: WorkerSettings.hostName, pid: Int(getpid()), version: settings.version,
            services: services, tags: settings.tags, concurrency: concurrency, running: runner.running.count,
            processed: runner.statistics.processed, failed: runner.statistics.failed, load: Self.loadAverage(), state: state)
    }

    /// A `worker_control` command: `{"action": "pause" | "resume" | "stop" | "set_concurrency", "value": N}`.
    func apply(_ command: String) async {
        guard let value = try? JSONParser.parse(command), case .string(let action)? = value["action"] else {
            logger.warning("ignoring an unreadable control command", metadata: ["command": "\(command)"])
            return
        }
        logger.info("control command", metadata: ["action": "\(action)"])
        switch action {
        case "pause":
            guard state == .running else { return }
            state = .paused
            stopConsumers()
            await slots.rejectWaiters()
        case "resume":
            guard state == .paused else { return }
            state = .running
            startConsumers()
        case "stop":
            await beginShutdown()
        case "set_concurrency":
            guard case .number(let text)? = value["value"], let number = Int(text), number >= 1 else { return }
            concurrency = number
            await slots.setCapacity(number)
            if state == .running {
                stopConsumers()  // new prefetch
                startConsumers()
            }
        default:
            logger.warning("ignoring an unknown control command", metadata: ["action": "\(action)"])
        }
    }

    /// The 1, 5 and 15 minute load averages from /proc/loadavg.
    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }
}
