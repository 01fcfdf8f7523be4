import JobCore
import Testing

/// Every action by id from every status, with the expected outcome computed from
/// `TaskTransition` / `TaskRules` (JobCore), so the table and these tests cannot drift: allowed
/// → 200 and one `task_events` row (caller, from, to); refused → 4001 naming the status, and
/// nothing changes.
@Suite struct TransitionTests {
    enum Action: String, CaseIterable, CustomTestStringConvertible {
        case start, rerun, cancel, delete, update, reportRunning, reportFinished, reportFailed, copy

        var testDescription: String { rawValue }

        /// The status a task in `status` ends in, or nil when the contract refuses (4001).
        /// `.some(nil)` would be meaningless here; deletion is `deleted`.
        func outcome(from status: TaskStatus) -> String? {
            switch self {
            case .start: return TaskRules.startTransition(for: status)?.target.rawValue
            case .rerun: return TaskTransition.rerun.isAllowed(from: status) ? TaskTransition.rerun.target.rawValue : nil
            case .cancel:
                guard TaskTransition.cancel.isAllowed(from: status) else { return nil }
                // A running task is only flagged; its worker cancels it cooperatively.
                return status == .running ? status.rawValue : TaskTransition.cancel.target.rawValue
            case .delete: return TaskRules.canDelete(status) ? "deleted" : nil
            case .update: return TaskRules.canUpdateCondition(status) ? status.rawValue : nil
            case .reportRunning, .reportFinished, .reportFailed:
                let target = reported!
                if TaskTransition.between(status, target) != nil { return target.rawValue }
                // A running task may report running again (progress, message).
                return status == .running && target == .running ? status.rawValue : nil
            case .copy: return status.rawValue
            }
        }

        var reported: TaskStatus? {
            switch self {
            case .reportRunning: .running
            case .reportFinished: .finished
            case .reportFailed: .failed
            default: nil
            }
        }

        var actor: String { reported == nil ? "alice" : "feeder" }

        func request(_ id: String) -> (endpoint: String, body: String) {
            switch self {
            case .start: ("start_task", #"{"task_id":"\#(id)"}"#)
            case .rerun: ("rerun_task", #"{"task_id":"\#(id)"}"#)
            case .cancel: ("cancel_task", #"{"task_id":"\#(id)"}"#)
            case .delete: ("delete_task", #"{"task_id":"\#(id)"}"#)
            case .copy: ("copy_task", #"{"task_id":"\#(id)"}"#)
            case .update: ("update_task", #"{"task_id":"\#(id)","condition":{"changed":true}}"#)
            case .reportRunning, .reportFinished, .reportFailed:
                ("update_status_task", #"{"task_id":"\#(id)","status":"\#(reported!.rawValue)"}"#)
            }
        }
    }

    @Test(arguments: Action.allCases)
    func actionFromEveryStatus(action: Action) async throws {
        try await APITestServer.with { api in
            for status in TaskStatus.allCases {
                let id = try await api.task(in: status)
                let eventsBefore = try await api.events(of: id)
                let (endpoint, body) = action.request(id)
                let reply = try await api.call(endpoint, as: action.actor, body)
                guard let outcome = action.outcome(from: status) else {
                    #expect(reply.status == 409, "\(action) from \(status): \(reply)")
                    #expect(reply.code == 4001, "\(action) from \(status): \(reply)")
                    #expect(reply.text.contains(status.rawValue), "message names the status: \(reply)")
                    #expect(try await api.status(of: id) == status.rawValue)
                    #expect(try await api.events(of: id) == eventsBefore)
                    continue
                }
                #expect(reply.status == 200 && reply.code == 0, "\(action) from \(status): \(reply)")
                let after = try await api.events(of: id)
                if outcome == "deleted" {
                    #expect(try await api.exists(id) == false)
                } else {
                    #expect(try await api.status(of: id) == outcome, "\(action) from \(status)")
                }
                if outcome != status.rawValue {
                    #expect(after == eventsBefore + [.init(actor: action.actor, from: status.rawValue, to: outcome)], "\(action) from \(status)")
                } else {
                    #expect(after == eventsBefore, "\(action) from \(status): no transition, no event")
                }
            }
        }
    }

    /// By id, one refused task refuses the whole request: nothing changes.
    @Test func oneRefusedIdRollsBackTheRequest() async throws {
        try await APITestServer.with { api in
            let ready = try await api.task(in: .ready), finished = try await api.task(in: .finished)
            let reply = try await api.call("cancel_task", #"{"task_id":["\#(ready)","\#(finished)"]}"#)
            #expect(reply.code == 4001 && reply.text.contains(finished), "\(reply)")
            #expect(try await api.status(of: ready) == "ready")
            let deletion = try await api.call("delete_task", #"{"task_id":["\#(ready)","ts_echo_00000000000000000000000000000000"]}"#)
            #expect(deletion.code == 4000, "\(deletion)")
            #expect(try await api.exists(ready))
        }
    }

    /// Another user's task is answered exactly like an unknown one: 4000, never 403, unchanged.
    @Test func anotherUsersTaskIsNotFound() async throws {
        try await APITestServer.with { api in
            let id = try await api.task(in: .finished)
            let unknown = "ts_echo_00000000000000000000000000000000"
            for task in [id, unknown] {
                for (endpoint, body) in [
                    ("result_task", #"{"task_id":"\#(task)"}"#), ("start_task", #"{"task_id":"\#(task)"}"#),
                    ("update_task", #"{"task_id":"\#(task)","condition":{}}"#),
                    ("update_status_task", #"{"task_id":"\#(task)","status":"running"}"#),
                    ("cancel_task", #"{"task_id":"\#(task)"}"#), ("rerun_task", #"{"task_id":"\#(task)"}"#),
                    ("copy_task", #"{"task_id":"\#(task)"}"#), ("delete_task", #"{"task_id":"\#(task)"}"#),
                ] {
                    let reply = try await api.call(endpoint, as: "bob", body)
                    #expect(reply.status == 404 && reply.code == 4000, "\(endpoint) on \(task == id ? "alice's" : "unknown"): \(reply)")
                }
            }
            let status = try await api.ok("status_task", as: "bob", #"[{"task_id":"\#(id)"}]"#).array("status")[0]
            #expect(try status.string("status") == "Invalid")
            #expect(try await api.ok("tasks", as: "bob").int("total") == 0)
            #expect(try await api.ok("summary", as: "bob").array("data").isEmpty)
            #expect(try await api.status(of: id) == "finished")
            #expect(try await api.taskCount() == 1)
        }
    }
}
