import HTTP1
import JobCore
import JobStore

/// `start_task`, `update_task`, `update_status_task`, and the bulk actions `cancel_task`,
/// `rerun_task`, `copy_task`, `delete_task` (by id or by filter).
enum TaskActionHandlers {
    /// `POST /api/start_task`: starts a ready task or re-runs an ended one (same id).
    static func start(_ call: APICall) async throws -> HTTPResponse {
        let id = try TaskQueryHandlers.taskID(try call.parameters.fields())
        try await storeErrors(operation: "start") {
            try await call.context.store.requeue(
                .ids([id]), allowedFrom: TaskTransition.start.allowedFrom.union(TaskTransition.rerun.allowedFrom),
                scope: call.scope, actor: call.caller.name)
        }
        var envelope = APIEnvelope()
        envelope.string("task_id", id)
        return envelope.response()
    }

    /// `POST /api/update_task`: replaces the condition while the task is not waiting / running.
    static func update(_ call: APICall) async throws -> HTTPResponse {
        let fields = try call.parameters.fields()
        let id = try TaskQueryHandlers.taskID(fields)
        let condition = try fields.require("condition", fields.objectJSON)
        try await storeErrors(operation: "update") {
            try await call.context.store.updateCondition(id: id, condition: condition, scope: call.scope)
        }
        var envelope = APIEnvelope()
        envelope.string("task_id", id)
        return envelope.response()
    }

    /// `POST /api/update_status_task`: an external consumer reports running / finished / failed.
    static func updateStatus(_ call: APICall) async throws -> HTTPResponse {
        let fields = try call.parameters.fields()
        let id = try TaskQueryHandlers.taskID(fields)
        let status = try fields.require("status", fields.status)
        guard [.running, .finished, .failed].contains(status) else {
            throw APIError.invalid(fields.name("status"), "one of running, finished, failed")
        }
        let message = try fields.string("message", maxLength: 10_000)
        let result = try fields.anyJSON("result")
        if let result, result.utf8.count > call.context.configuration.tasks.maxResultBytes {
            throw APIError.invalid(fields.name("result"), "at most \(call.context.configuration.tasks.maxResultBytes) bytes of JSON")
        }
        let progress = try fields.number("progress", minimum: 0, maximum: 1)
        try await storeErrors(operation: "set status \(status.rawValue) of") {
            try await call.context.store.updateStatus(
                id: id, to: status, message: message, result: result, progress: progress, scope: call.scope, actor: call.caller.name)
        }
        var envelope = APIEnvelope()
        envelope.raw("status", bytes: APIEnvelope.object { item in
            item.string("task_id", id)
            item.string("status", status.rawValue)
        })
        return envelope.response()
    }

    /// `POST /api/cancel_task`.
    static func cancel(_ call: APICall) async throws -> HTTPResponse {
        let selector = try selector(call)
        let affected = try await storeErrors(operation: "cancel") {
            try await call.context.store.cancel(selector, scope: call.scope, actor: call.caller.name)
        }
        return affectedResponse(affected)
    }

    /// `POST /api/rerun_task`: ended tasks back to waiting, same ids.
    static func rerun(_ call: APICall) async throws -> HTTPResponse {
        let selector = try selector(call)
        let affected = try await storeErrors(operation: "rerun") {
            try await call.context.store.requeue(
                selector, allowedFrom: TaskTransition.rerun.allowedFrom, scope: call.scope, actor: call.caller.name)
        }
        return affectedResponse(affected)
    }

    /// `POST /api/copy_task`: new tasks from the selected ones' service and condition.
    static func copy(_ call: APICall) async throws -> HTTPResponse {
        let selector = try selector(call)
        let ids = try await storeErrors(operation: "copy") {
            try await call.context.store.copy(selector, scope: call.scope, owner: call.caller.name)
        }
        var envelope = APIEnvelope()
        envelope.int("affected", ids.count)
        envelope.strings("task_ids", ids)
        return envelope.response()
    }

    /// `POST /api/delete_task`: never a running task.
    static func delete(_ call: APICall) async throws -> HTTPResponse {
        let selector = try selector(call)
        let affected = try await storeErrors(operation: "delete") {
            try await call.context.store.delete(selector, scope: call.scope, actor: call.caller.name)
        }
        return affectedResponse(affected)
    }

    /// Ids (`task_id`: one or a list, or an array of `{task_id}`) or a filter with at least one
    /// of service, batch, status, tag, worker_id. An empty filter is a 2000, never "all tasks".
    static func selector(_ call: APICall) throws(APIError) -> TaskSelector {
        let limit = call.context.configuration.tasks.maxBulkCreate
        if case .array = call.parameters.value {
            return .ids(try TaskQueryHandlers.taskIDList(call.parameters, limit: limit))
        }
        let fields = try call.parameters.fields()
        if fields.has("task_id") {
            return .ids(try TaskQueryHandlers.taskIDList(call.parameters, limit: limit))
        }
        let filter = TaskFilter(
            service: try fields.service("service"), status: try fields.status("status"),
            batch: try fields.string("batch", maxLength: 128), tag: try fields.tag("tag"),
            workerID: try fields.string("worker_id", maxLength: 200))
        guard !filter.isEmpty else {
            throw APIError(code: 2000, status: .unprocessableContent,
                           message: "field \(fields.name("task_id")) or a filter (service, batch, status, tag, worker_id) is required")
        }
        return .filter(filter)
    }

    static func affectedResponse(_ affected: Int) -> HTTPResponse {
        var envelope = APIEnvelope()
        envelope.int("affected", affected)
        return envelope.response()
    }

    /// Runs a store call, turning `TaskStoreError` into 4000 / 4001 for `operation`.
    @discardableResult
    static func storeErrors<T>(operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as TaskStoreError {
            switch error {
            case .notFound(let id): throw APIError.taskNotFound(id)
            case .conflict(let id, let status): throw APIError.conflict(id, status, operation)
            }
        }
    }
}
