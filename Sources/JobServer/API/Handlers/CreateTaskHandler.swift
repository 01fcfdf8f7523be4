import Foundation
import HTTP1
import JobCore
import JobStore

/// `POST /api/create_task`: one task (`data` an object → `{task_id}`) or many (`data` an array
/// of up to `tasks.max_bulk_create` objects → `{task_ids}`, created all or nothing).
enum CreateTaskHandler {
    static func handle(_ call: APICall) async throws -> HTTPResponse {
        let today = Self.utcDate(Date())
        switch call.parameters.value {
        case .object:
            let task = try await newTask(try call.parameters.fields(), call: call, today: today)
            let ids = try await call.context.store.create([task], owner: call.caller.name)
            call.context.metrics.recordCreated(service: task.service.rawValue)
            var envelope = APIEnvelope()
            envelope.string("task_id", ids[0])
            return envelope.response()
        case .array(let items):
            let path = call.parameters.path.isEmpty ? "body" : call.parameters.path
            guard !items.isEmpty else { throw APIError.invalid(path, "a non-empty array of tasks") }
            let limit = call.context.configuration.tasks.maxBulkCreate
            guard items.count <= limit else { throw APIError.tooMany(path, max: limit) }
            var tasks: [NewTask] = []
            tasks.reserveCapacity(items.count)
            var keys: Set<String> = []
            for (index, item) in items.enumerated() {
                let task = try await newTask(try Fields(item, path: "\(path)[\(index)]"), call: call, today: today)
                if let key = task.idempotencyKey, !keys.insert(key).inserted {
                    throw APIError.invalid("\(path)[\(index)].idempotency_key", "unique within one request")
                }
                tasks.append(task)
            }
            let ids = try await call.context.store.create(tasks, owner: call.caller.name)
            for (service, group) in Dictionary(grouping: tasks, by: \.service.rawValue) {
                call.context.metrics.recordCreated(service: service, count: group.count)
            }
            var envelope = APIEnvelope()
            envelope.strings("task_ids", ids)
            return envelope.response()
        default:
            throw APIError.invalid(call.parameters.path.isEmpty ? "body" : call.parameters.path, "an object or an array of objects")
        }
    }

    /// Validates one task's fields; defaults come from the service's definition, then `tasks:`.
    static func newTask(_ fields: Fields, call: APICall, today: String) async throws -> NewTask {
        let serviceText = try fields.require("service", fields.service)
        guard let service = ServiceName(serviceText), try await call.context.services.accepts(serviceText) else {
            throw APIError.unsupportedService(serviceText)
        }
        let condition = try fields.require("condition", fields.objectJSON)
        let defaults = call.context.configuration.tasks
        let definition = call.context.definition(of: serviceText)
        return NewTask(
            id: TaskID(service: service), service: service, condition: condition,
            priority: try fields.int("priority", in: 0...9) ?? 0,
            tag: try fields.tag("tag"),
            batch: try fields.string("batch", maxLength: 128) ?? today,
            maxAttempts: try fields.int("max_attempts", in: 1...1_000) ?? definition?.maxAttempts ?? defaults.defaultMaxAttempts,
            timeoutSeconds: try fields.number("timeout", minimum: 0, exclusive: true, maximum: 86_400 * 365)
                ?? definition?.timeout ?? defaults.defaultTimeout,
            delaySeconds: try fields.number("delay", minimum: 0, maximum: 86_400 * 365) ?? 0,
            start: try fields.bool("start") ?? true,
            idempotencyKey: try fields.string("idempotency_key", maxLength: 200))
    }

    /// `YYYY-MM-DD` in UTC, the default batch. Integer arithmetic on the days since 1970
    /// (H. Hinnant's `civil_from_days`, proleptic Gregorian): a `Calendar` with a `TimeZone`
    /// and `String(format:)` cost 6 % of the server's CPU per create, a file open included.
    static func utcDate(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let shifted = days + 719_468  // days since 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}
