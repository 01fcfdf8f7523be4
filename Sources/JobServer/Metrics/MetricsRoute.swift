import HTTP1
import JobStore
import Postgres

/// `GET /metrics`: Prometheus text format. No authentication unless `server.metrics_auth`.
enum MetricsRoute {
    static func register(on router: inout Router, metrics: ServerMetrics, pool: PostgresPool, outbox: OutboxStore,
                         authenticate: (@Sendable (HTTPRequest) async -> APIError?)?) {
        router.on(.get, "/metrics") { request in
            if let authenticate, let failure = await authenticate(request) { return failure.response }
            let body = await metrics.render(pool: pool, outbox: outbox)
            return HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: body)
        }
    }
}
