/// The transition table of the product contract (SPEC section 2), as code: every status change
/// is one of these actions, and each action names the statuses it may start from. The store
/// uses `allowedFrom` in its conditional UPDATEs, so the table is enforced in one place.
public enum TaskTransition: String, Sendable, CaseIterable {
    /// `start_task` on a ready task: ready → waiting.
    case start
    /// `start_task` / `rerun_task` on an ended task: finished / failed / cancelled → waiting,
    /// attempts reset, same id.
    case rerun
    /// `cancel_task`: ready / waiting → cancelled at once; a running task is flagged and its
    /// worker cancels it cooperatively (running → cancelled).
    case cancel
    /// A worker claims a delivered task, or an external consumer reports `running`:
    /// waiting → running.
    case claim
    /// The run succeeded: running → finished.
    case finish
    /// The run failed for good: running → failed (also a lease expiry with no attempts left).
    case fail
    /// The run failed with attempts left, or its lease expired with attempts left:
    /// running → waiting, with `run_at` in the future.
    case retry

    /// The statuses this transition may start from.
    public var allowedFrom: Set<TaskStatus> {
        switch self {
        case .start: [.ready]
        case .rerun: [.finished, .failed, .cancelled]
        case .cancel: [.ready, .waiting, .running]
        case .claim: [.waiting]
        case .finish, .fail, .retry: [.running]
        }
    }

    /// The status this transition ends in. A cancel of a running task ends in `cancelled` once
    /// its worker stops it; until then the task stays `running` with `cancel_requested` set.
    public var target: TaskStatus {
        switch self {
        case .start, .rerun, .retry: .waiting
        case .cancel: .cancelled
        case .claim: .running
        case .finish: .finished
        case .fail: .failed
        }
    }

    /// Whether the transition may start from `status`.
    public func isAllowed(from status: TaskStatus) -> Bool { allowedFrom.contains(status) }

    /// The transition that takes a task from `from` to `to`, if the table has one; for checking
    /// `update_status_task` from external consumers (which may report running, finished, failed).
    public static func between(_ from: TaskStatus, _ to: TaskStatus) -> TaskTransition? {
        allCases.first { $0.target == to && $0.isAllowed(from: from) && $0 != .retry }
    }
}

/// What clients may do to a task outside a transition, by status.
public enum TaskRules {
    /// `update_task` (change the condition): only while not waiting or running.
    public static func canUpdateCondition(_ status: TaskStatus) -> Bool { status != .waiting && status != .running }
    /// `delete_task`: never while running.
    public static func canDelete(_ status: TaskStatus) -> Bool { status != .running }
    /// `start_task`: starts a ready task or re-runs an ended one.
    public static func startTransition(for status: TaskStatus) -> TaskTransition? {
        if TaskTransition.start.isAllowed(from: status) { return .start }
        if TaskTransition.rerun.isAllowed(from: status) { return .rerun }
        return nil
    }
}
