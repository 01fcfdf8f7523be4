import Postgres

/// Single creates written in batches: one statement, one commit, for every single create (no
/// idempotency key) that arrived while earlier ones were in flight (``GroupCommit``). An HTTP
/// server answering many clients at once otherwise pays one commit, one WAL flush and one
/// relay wake-up per task. An idle server writes each create at once, without waiting.
extension TaskStore {
    /// A task with the user who creates it.
    struct OwnedTask: Sendable {
        var task: NewTask
        var owner: String
    }

    static func singleCreateBatcher(pool: PostgresPool) -> GroupCommit<OwnedTask, Result<String, any Error>> {
        let store = TaskStore(pool: pool, batching: false)
        return GroupCommit(maxBatch: 128, maxInFlight: 2) { await store.createSingles($0) }
    }

    /// Creates every request's task in one statement. If that fails as a whole (one task
    /// PostgreSQL refuses), each request is run alone, so one bad task fails only its own
    /// request and the others are created as if they had come one by one.
    func createSingles(_ requests: [OwnedTask]) async -> [Result<String, any Error>] {
        if requests.count > 1, let ids = try? await createAll(requests) {
            return ids.map { .success($0) }
        }
        var results: [Result<String, any Error>] = []
        for request in requests {
            do { results.append(.success(try await createAll([request])[0])) } catch { results.append(.failure(error)) }
        }
        return results
    }
}
