import HTTP1
import JobCore
import JobStore

/// `service_task` and `summary`.
enum CatalogHandlers {
    /// `POST /api/service_task`: the services the server accepts, sorted.
    static func services(_ call: APICall) async throws -> HTTPResponse {
        let names = try await call.context.services.all()
        var envelope = APIEnvelope()
        envelope.int("count", names.count)
        envelope.strings("data", names)
        return envelope.response()
    }

    /// `POST /api/summary`: counts by status and run times per (service, batch).
    static func summary(_ call: APICall) async throws -> HTTPResponse {
        let fields = try call.parameters.fields()
        let rows = try await call.context.store.summary(
            service: try fields.service("service"), batch: try fields.string("batch", maxLength: 128), scope: call.scope)
        let items = rows.map { row in
            APIEnvelope.object { item in
                item.string("service", row.service)
                item.string("batch", row.batch)
                item.raw("counts", bytes: APIEnvelope.object { counts in
                    for status in TaskStatus.allCases { counts.int(status.rawValue, row.counts[status] ?? 0) }
                })
                item.number("avg_spend_time", row.averageSpendTime)
                item.number("p50_spend_time", row.p50SpendTime)
                item.number("p95_spend_time", row.p95SpendTime)
                item.string("first_create_time", row.firstCreateTime)
                item.string("last_update_time", row.lastUpdateTime)
            }
        }
        var envelope = APIEnvelope()
        envelope.array("data", items)
        return envelope.response()
    }
}
