/// What an API user may do (docs/api.md): `user` sees and acts on its own tasks, `consumer` (an
/// external worker process) may call `update_status_task`, `status_task` and `result_task` on any
/// task, `admin` may do everything.
public enum UserRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case admin
    case user
    case consumer

    public var description: String { rawValue }
}
