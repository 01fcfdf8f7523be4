import HTTP1
import JobCore
import JobStore

/// `workers` (the worker registry) and `worker_control` (admin commands picked up by a worker
/// at its next heartbeat).
enum WorkerHandlers {
    /// The control actions a worker understands (`WorkerRuntime.apply`).
    static let actions = ["pause", "resume", "stop", "set_concurrency"]
    /// The largest `set_concurrency` value accepted.
    static let maxConcurrency = 10_000

    /// `POST /api/workers` `{seen_within?}`: workers whose heartbeat is at most `seen_within`
    /// seconds old (default 3600), newest heartbeat first. Admins and users may list; consumers
    /// may not (the route table).
    static func list(_ call: APICall) async throws -> HTTPResponse {
        let fields = try call.parameters.fields()
        let seenWithin = try fields.number("seen_within", minimum: 0, exclusive: true, maximum: 30 * 86_400) ?? 3600
        let worker = call.context.configuration.worker
        // Live: a heartbeat within three intervals (and never less than one lease).
        let liveWithin = max(3 * worker.heartbeatSeconds, worker.leaseSeconds)
        let rows = try await WorkerStore(pool: call.context.store.pool).list(seenWithin: seenWithin, liveWithin: liveWithin)
        let items = rows.map { row in
            APIEnvelope.object { item in
                item.string("worker_id", row.workerID)
                item.string("host", row.host)
                item.int("pid", row.pid)
                item.string("version", row.version)
                item.strings("services", row.services)
                item.strings("tags", row.tags)
                item.string("state", row.state)
                item.raw("live", row.live ? "true" : "false")
                item.int("concurrency", row.concurrency)
                item.int("running", row.running)
                item.int("processed", row.processed)
                item.int("failed", row.failed)
                item.raw("load", "[" + row.load.map(APIEnvelope.format).joined(separator: ",") + "]")
                item.raw("pending_command", row.pendingCommand)
                item.string("started_at", row.startedAt)
                item.string("heartbeat_at", row.heartbeatAt)
                item.number("heartbeat_age", (row.secondsSinceHeartbeat * 1000).rounded() / 1000)
            }
        }
        var envelope = APIEnvelope()
        envelope.int("count", items.count)
        envelope.array("data", items)
        return envelope.response()
    }

    /// `POST /api/worker_control` `{worker_id, action, value?}` (admin only): stores the command
    /// in the worker's row; the worker applies it at its next heartbeat. A newer command replaces
    /// one not yet picked up.
    static func control(_ call: APICall) async throws -> HTTPResponse {
        guard call.caller.role == .admin else { throw APIError.forbidden("only an admin may control workers") }
        let fields = try call.parameters.fields()
        let workerID = try fields.require("worker_id") { key throws(APIError) in try fields.string(key, maxLength: 200) }
        let action = try fields.require("action") { key throws(APIError) in try fields.string(key, maxLength: 32) }
        guard actions.contains(action) else {
            throw APIError.invalid(fields.name("action"), "one of \(actions.joined(separator: ", "))")
        }
        var command: [JSONValue.Member] = [.init("action", .string(action))]
        if action == "set_concurrency" {
            let value = try fields.require("value") { key throws(APIError) in try fields.int(key, in: 1...maxConcurrency) }
            command.append(.init("value", .number(String(value))))
        } else if fields.value("value") != nil {
            throw APIError.invalid(fields.name("value"), "absent unless action is set_concurrency")
        }
        do {
            try await WorkerStore(pool: call.context.store.pool).sendCommand(
                workerID: workerID, command: JSONWriter.string(.object(command)))
        } catch let refusal as WorkerStore.CommandRefusal {
            switch refusal {
            case .unknownWorker(let id):
                throw APIError(code: 4000, status: .notFound, message: "worker not found: \(id)")
            case .stopped(let id):
                throw APIError(code: 4001, status: .conflict, message: "cannot \(action) worker \(id) while it is stopped")
            }
        }
        call.context.logger.notice(
            "worker control command stored",
            metadata: ["worker_id": "\(workerID)", "action": "\(action)", "user": "\(call.caller.name)"])
        var envelope = APIEnvelope()
        envelope.string("worker_id", workerID)
        envelope.string("action", action)
        return envelope.response()
    }
}
