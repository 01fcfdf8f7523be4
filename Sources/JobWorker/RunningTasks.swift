import Synchronization

/// The runs in progress in this worker: for lease renewal, cancellation and shutdown.
final class RunningTasks: Sendable {
    struct Run: Sendable {
        let attempt: Int
        let task: Task<Void, Never>
        var cancelRequested = false
        var abandoned = false
    }
    private let runs = Mutex<[String: Run]>([:])

    func add(_ taskID: String, attempt: Int, task: Task<Void, Never>) {
        runs.withLock { $0[taskID] = Run(attempt: attempt, task: task) }
    }

    func remove(_ taskID: String) {
        _ = runs.withLock { $0.removeValue(forKey: taskID) }
    }

    var ids: [String] { runs.withLock { Array($0.keys) } }
    var count: Int { runs.withLock { $0.count } }

    /// Marks `taskID` as cancelled on request and cancels its Swift task.
    func cancel(_ taskID: String) {
        let task = runs.withLock { runs -> Task<Void, Never>? in
            runs[taskID]?.cancelRequested = true
            return runs[taskID]?.task
        }
        task?.cancel()
    }

    /// Cancels a run that must give the task back (shutdown past the grace period, lost lease):
    /// its outcome is a requeue, not a failure.
    func abandon(_ taskID: String) {
        runs.withLock { runs -> Task<Void, Never>? in
            runs[taskID]?.abandoned = true
            return runs[taskID]?.task
        }?.cancel()
    }

    func wasAbandoned(_ taskID: String) -> Bool {
        runs.withLock { $0[taskID]?.abandoned ?? false }
    }

    func wasCancelRequested(_ taskID: String) -> Bool {
        runs.withLock { $0[taskID]?.cancelRequested ?? false }
    }

    /// Waits until every run has ended, or `deadline`; returns whether all ended.
    func waitUntilEmpty(deadline: ContinuousClock.Instant) async -> Bool {
        while count > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }
}
