import HTTP1
import JobCore
import JobStore

/// `status_task`, `result_task` and the `tasks` list.
enum TaskQueryHandlers {
    /// `POST /api/status_task`: `data: [{task_id}, ...]` → `{status: [...]}` in request order;
    /// an unknown (or unreadable) id reports status `Invalid`.
    static func status(_ call: APICall) async throws -> HTTPResponse {
        let ids = try taskIDList(call.parameters, limit: call.context.configuration.tasks.maxStatusTask)
        let found = try await call.context.store.statuses(ids: ids.filter { TaskID($0) != nil }, scope: call.scope)
        let items = ids.map { id in
            APIEnvelope.object { item in
                item.string("task_id", id)
                guard let row = found[id] else {
                    item.string("status", "Invalid")
                    item.string("message", "")
                    item.raw("progress", nil)
                    item.raw("start_time", nil)
                    item.raw("end_time", nil)
                    return
                }
                item.string("status", row.status.rawValue)
                item.string("message", row.message)
                item.number("progress", row.progress)
                item.string("start_time", row.startTime)
                item.string("end_time", row.endTime)
            }
        }
        var envelope = APIEnvelope()
        envelope.array("status", items)
        return envelope.response()
    }

    /// `POST /api/result_task`: `{task_id}` → the result and timings.
    static func result(_ call: APICall) async throws -> HTTPResponse {
        let id = try taskID(try call.parameters.fields())
        guard let row = try await call.context.store.result(id: id, scope: call.scope) else { throw APIError.taskNotFound(id) }
        var envelope = APIEnvelope()
        envelope.raw("data", row.result)
        envelope.string("status", row.status.rawValue)
        envelope.string("message", row.message)
        envelope.string("start_time", row.startTime)
        envelope.string("end_time", row.endTime)
        envelope.number("spend_time", row.spendTime)
        return envelope.response()
    }

    /// `POST /api/tasks`: a page of tasks, newest first, with the total matching the filter.
    static func list(_ call: APICall) async throws -> HTTPResponse {
        let fields = try call.parameters.fields()
        let pageSize = try fields.int("p_size", in: 1...100) ?? 10
        let page = try fields.int("page", in: 1...1_000_000) ?? 1
        var cursor: TaskCursor?
        if let text = try fields.string("cursor", maxLength: 200) {
            guard let parsed = TaskCursor.parse(text) else { throw APIError.invalid(fields.name("cursor"), "a next_cursor value from an earlier page") }
            cursor = parsed
        }
        let filter = TaskFilter(
            service: try fields.service("service"), status: try fields.status("status"),
            batch: try fields.string("batch", maxLength: 128), tag: try fields.tag("tag"))
        let result = try await call.context.store.list(filter: filter, scope: call.scope, pageSize: pageSize, page: page, cursor: cursor)
        let items = result.items.map { row in
            APIEnvelope.object { item in
                item.string("task_id", row.taskID)
                item.string("service", row.service)
                item.string("status", row.status.rawValue)
                item.raw("condition", row.condition)
                item.int("priority", row.priority)
                item.string("tag", row.tag)
                item.string("batch", row.batch)
                item.int("attempt", row.attempt)
                item.string("create_time", row.createTime)
                item.string("start_time", row.startTime)
                item.string("end_time", row.endTime)
            }
        }
        var envelope = APIEnvelope()
        envelope.int("total", result.total)
        envelope.int("count", items.count)
        envelope.array("data", items)
        envelope.string("next_cursor", result.nextCursor)
        return envelope.response()
    }

    /// The `task_id` field, required.
    static func taskID(_ fields: Fields) throws(APIError) -> String {
        try fields.require("task_id") { (key: String) throws(APIError) in try fields.string(key, maxLength: 200) }
    }

    /// Task ids from `[{task_id}, ...]`, `["id", ...]`, `{task_id: "id"}` or
    /// `{task_id: ["id", ...]}`, at most `limit`.
    static func taskIDList(_ parameters: APIParameters, limit: Int) throws(APIError) -> [String] {
        let path = parameters.path.isEmpty ? "body" : parameters.path
        let items: [JSONValue]
        switch parameters.value {
        case .array(let list): items = list
        case .object:
            let fields = try parameters.fields()
            guard let value = fields.value("task_id") else { throw APIError.missing(fields.name("task_id")) }
            if case .array(let list) = value { items = list } else { items = [value] }
        default: throw APIError.invalid(path, "an array of {task_id} objects")
        }
        guard items.count <= limit else { throw APIError.tooMany(path, max: limit) }
        var ids: [String] = []
        ids.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch item {
            // NUL never occurs in an id, and PostgreSQL text cannot hold it (it failed the query: a 500).
            case .string(let id) where id.utf8.count <= 200 && !id.utf8.contains(0): ids.append(id)
            case .object:
                ids.append(try taskID(try Fields(item, path: "\(path)[\(index)]")))
            default:
                throw APIError.invalid("\(path)[\(index)]", "a {task_id} object or a task id string")
            }
        }
        return ids
    }
}
