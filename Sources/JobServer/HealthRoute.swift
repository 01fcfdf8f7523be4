import HTTP1
import Postgres

/// `GET /health` (no authentication): 200 `{"status":"ok"}` while the database answers, 503
/// `{"status":"unavailable"}` otherwise; `database` says which.
enum HealthRoute {
    struct Body: Encodable {
        var status: String
        var database: String
    }

    static func register(on router: inout Router, pool: PostgresPool) {
        router.on(.get, "/health") { _ in
            do {
                try await pool.query("SELECT 1")
                return try .json(Body(status: "ok", database: "ok"))
            } catch {
                var response = try HTTPResponse.json(Body(status: "unavailable", database: "unavailable"), status: .serviceUnavailable)
                response.headers.replaceOrAdd(name: "Retry-After", value: "5")
                return response
            }
        }
    }
}
