import HTTP1
import Postgres

/// `GET /health` (no authentication): 200 `{"status":"ok"}` while the database answers, 503
/// `{"status":"unavailable"}` otherwise; `database` and `broker` say what is up. A broker that
/// is down does not fail the check: tasks are still accepted and published when it returns.
enum HealthRoute {
    struct Body: Encodable {
        var status: String
        var database: String
        var broker: String
    }

    static func register(on router: inout Router, pool: PostgresPool, brokerConnected: @escaping @Sendable () async -> Bool) {
        router.on(.get, "/health") { _ in
            let broker = await brokerConnected() ? "connected" : "disconnected"
            do {
                try await pool.query("SELECT 1")
                return try .json(Body(status: "ok", database: "ok", broker: broker))
            } catch {
                var response = try HTTPResponse.json(
                    Body(status: "unavailable", database: "unavailable", broker: broker), status: .serviceUnavailable)
                response.headers.replaceOrAdd(name: "Retry-After", value: "5")
                return response
            }
        }
    }
}
