/// Where a task stands. `status_task` reports `Invalid` for an unknown id (not a status a task
/// can have, so not a case here).
public enum TaskStatus: String, Sendable, CaseIterable, Codable {
    /// Created with `start: false`; not queued.
    case ready
    /// Queued, or scheduled for a retry at `run_at`.
    case waiting
    /// Claimed by a worker (or an external consumer) and running.
    case running
    /// Completed with a result.
    case finished
    /// Failed for good: attempts exhausted, timeout, or reported failed.
    case failed
    /// Cancelled by a client.
    case cancelled

    /// Whether the task has ended (it can only be re-run from here).
    public var isFinal: Bool {
        switch self {
        case .finished, .failed, .cancelled: true
        case .ready, .waiting, .running: false
        }
    }
}
