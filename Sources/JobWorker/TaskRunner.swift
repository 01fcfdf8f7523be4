import Foundation
import JobCore
import JobStore
import Logging
import Synchronization

/// Runs one claimed task: decodes its condition, calls the registered function under its
/// deadline, and records the outcome (fenced by worker id and attempt): finished with the
/// result; a retry with exponential backoff and jitter while attempts remain; failed; timeout;
/// or cancelled when a client asked for it.
struct TaskRunner: Sendable {
    let registry: TaskRegistry
    let store: TaskRunStore
    let workerID: String
    let running: RunningTasks
    let statistics: WorkerStatistics
    let metrics: WorkerMetrics
    let maxResultBytes: Int
    /// `tasks.backoff_base` / `tasks.backoff_max`, for services that declare no backoff.
    let defaultBackoff: (base: Double, maximum: Double)
    let logger: Logger

    func run(_ claim: TaskRunStore.Claim) async {
        let taskLogger = TaskLogger(base: logger, metadata: ["task_id": "\(claim.taskID)", "attempt": "\(claim.attempt)"])
        let started = ContinuousClock.now
        let outcome = await execute(claim, taskLogger: taskLogger)
        metrics.record(service: claim.service, outcome: WorkerMetrics.label(outcome), duration: .now - started)
        do {
            let recorded = try await store.complete(taskID: claim.taskID, workerID: workerID, attempt: claim.attempt, outcome: outcome)
            if !recorded { taskLogger.logger.warning("run ended after the task was taken from this worker; outcome dropped") }
        } catch {
            // The lease runs out and the reaper retries the task: nothing is lost.
            taskLogger.logger.error("cannot record the outcome; the lease will expire and the task be retried", metadata: ["error": "\(error)"])
        }
        statistics.record(outcome)
    }

    private func execute(_ claim: TaskRunStore.Claim, taskLogger: TaskLogger) async -> TaskRunStore.Outcome {
        guard let entry = registry.entry(claim.service) else {
            return .failed(message: "no function is registered for service \(claim.service) on worker \(workerID)")
        }
        var timeout = Duration.seconds(claim.timeoutSeconds)
        if let limit = entry.options.timeout, limit < timeout { timeout = limit }
        let maxAttempts = min(claim.maxAttempts, entry.options.maxAttempts ?? .max)
        let deadline = ContinuousClock.now + timeout
        let context = TaskContext(
            taskID: claim.taskID, attempt: claim.attempt, service: claim.service, taskLogger: taskLogger, deadline: deadline,
            reportProgress: progressReporter(claim, taskLogger: taskLogger))
        let condition = Array(claim.condition.utf8)
        let result = await runWithDeadline(deadline) { try await entry.run(condition, context) }

        if running.wasCancelRequested(claim.taskID) { return .cancelled(message: "cancelled") }
        if running.wasAbandoned(claim.taskID) {
            return .retry(message: "worker \(workerID) stopped before the run finished; requeued", afterSeconds: 0)
        }
        let message: String
        switch result {
        case .value(let json):
            guard json.utf8.count <= maxResultBytes else {
                return .failed(message: "result is \(json.utf8.count) bytes of JSON, more than tasks.max_result_bytes (\(maxResultBytes))")
            }
            return .finished(result: json)
        case .timedOut:
            message = "timeout"
        case .error(let error as PermanentFailure):
            return .failed(message: error.description)
        case .error(let error):
            message = error is CancellationError ? "cancelled by the worker (shutdown or lost lease)" : "\(error)"
        }
        let policy = RetryPolicy(
            maxAttempts: maxAttempts, base: entry.options.backoffBase ?? defaultBackoff.base,
            maximum: entry.options.backoffMax ?? defaultBackoff.maximum)
        guard policy.allowsRetry(afterAttempt: claim.attempt) else {
            return .failed(message: claim.attempt > 1 ? "\(message) (attempt \(claim.attempt) of \(maxAttempts))" : message)
        }
        return .retry(message: message, afterSeconds: policy.delay(afterAttempt: claim.attempt, random: .random(in: 0...1)))
    }

    /// Writes progress at most every 250 ms per run (and always the final 1.0).
    private func progressReporter(_ claim: TaskRunStore.Claim, taskLogger: TaskLogger) -> @Sendable (Double, String?) async -> Void {
        let last = Mutex<ContinuousClock.Instant?>(nil)
        let store = store, workerID = workerID
        return { fraction, message in
            let now = ContinuousClock.now
            let due = last.withLock { last -> Bool in
                if let previous = last, now - previous < .milliseconds(250), fraction < 1 { return false }
                last = now
                return true
            }
            guard due else { return }
            do {
                try await store.progress(taskID: claim.taskID, workerID: workerID, attempt: claim.attempt, fraction: fraction, message: message)
            } catch {
                taskLogger.logger.warning("cannot record progress", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Counters for the workers row and metrics.
final class WorkerStatistics: Sendable {
    private let counts = Mutex<(processed: Int, failed: Int)>((0, 0))

    func record(_ outcome: TaskRunStore.Outcome) {
        counts.withLock { counts in
            counts.processed += 1
            if case .failed = outcome { counts.failed += 1 }
        }
    }

    var processed: Int { counts.withLock { $0.processed } }
    var failed: Int { counts.withLock { $0.failed } }
}
