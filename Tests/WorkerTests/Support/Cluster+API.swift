import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JobCore
import JobCrypto
import Postgres

/// The API over real HTTP with the timestamp-MD5 signature, and direct database reads.
extension Cluster {
    /// An API answer: HTTP status and the parsed JSON body.
    struct Answer: Sendable {
        let status: Int
        let body: JSONValue
        var code: Int? { if case .number(let n)? = body["code"] { Int(n) } else { nil } }
        var message: String? { if case .string(let text)? = body["message"] { text } else { nil } }
    }

    /// `POST /api/<endpoint>` with `json` as the body, signed as `user`.
    func call(_ endpoint: String, _ json: String, as user: String = "root") async throws -> Answer {
        let now = Int(Date().timeIntervalSince1970)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/\(endpoint)?_=\(now)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(AuthSignature.header(user: user, secret: secrets[user]!, timestamp: now), forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return Answer(status: status, body: try JSONParser.parse(Array(data)))
    }

    /// GET `path`; nil while nothing answers.
    func get(_ path: String, port: Int? = nil) async -> (status: Int, body: String)? {
        let url = URL(string: "http://127.0.0.1:\(port ?? self.port)\(path)")!
        guard let (data, response) = try? await URLSession.shared.data(from: url),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    /// Creates tasks (one bulk `create_task`): each item is the JSON of one task's fields.
    func create(_ items: [String]) async throws -> [String] {
        var ids: [String] = []
        for start in stride(from: 0, to: items.count, by: 1000) {
            let chunk = items[start..<min(start + 1000, items.count)]
            let answer = try await call("create_task", #"{"data":[\#(chunk.joined(separator: ","))]}"#)
            guard answer.status == 200, case .array(let values)? = answer.body["task_ids"] else {
                throw ClusterError("create_task answered \(answer.status): \(JSONWriter.string(answer.body))")
            }
            ids += values.compactMap { if case .string(let id) = $0 { id } else { nil } }
        }
        return ids
    }

    /// One task's row, as the tests read it.
    struct TaskRow: Sendable {
        var status: String
        var message: String
        var attempt: Int
        var workerID: String?
        var result: String?
        /// run_at minus updated_at in seconds: how far ahead a retry was scheduled.
        var runAtAhead: Double
    }

    func task(_ id: String) async throws -> TaskRow {
        let rows = try await pool.query("""
            SELECT status, message, attempt, worker_id, result::text,
                   extract(epoch FROM run_at - updated_at)::float8
            FROM tasks WHERE task_id = \(id)
            """)
        guard let row = rows.first else { throw ClusterError("no task \(id)") }
        return TaskRow(status: try row.decode(0), message: try row.decode(1), attempt: try row.decode(2),
                       workerID: try row.decode(3), result: try row.decode(4), runAtAhead: try row.decode(5))
    }

    /// How many of `ids` have `status`.
    func count(_ ids: [String], status: String) async throws -> Int {
        try await pool.query("SELECT count(*) FROM tasks WHERE task_id = ANY(\(ids)) AND status = \(status)")[0].decode(0)
    }

    /// Waits until every one of `ids` has `status`.
    func waitFor(_ ids: [String], status: String, timeout: Duration = .seconds(60)) async throws {
        try await eventually("\(ids.count) task(s) are \(status)", timeout: timeout, every: .milliseconds(200)) {
            try await self.count(ids, status: status) == ids.count
        }
    }

    /// Task ids with more than one `finished` event: must always be empty.
    func finishedTwice() async throws -> [String] {
        try await pool.query("""
            SELECT task_id FROM task_events WHERE to_status = 'finished' GROUP BY task_id HAVING count(*) > 1
            """).map { try $0.decode(0, as: String.self) }
    }

    /// The `to_status` of each event of `id`, in order.
    func events(_ id: String) async throws -> [String] {
        try await pool.query("SELECT to_status FROM task_events WHERE task_id = \(id) ORDER BY id")
            .map { try $0.decode(0, as: String.self) }
    }
}
