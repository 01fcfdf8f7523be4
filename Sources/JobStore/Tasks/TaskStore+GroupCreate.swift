import Postgres

/// Single creates written in batches: one statement, one commit, for every single create (no
/// idempotency key) that arrived while earlier ones were in flight (``GroupCommit``). An HTTP
/// server answering many clients at once otherwise pays one commit, one WAL flush and one
/// handoff batch (one publish) per task. An idle server writes each create at once, without
/// waiting.
extension TaskStore {
    /// A task with the user who creates it.
    struct OwnedTask: Sendable {
        var task: NewTask
        var owner: String
    }

    static func singleCreateBatcher(
        pool: PostgresPool, handoff: (any TaskHandoff)?
    ) -> GroupCommit<OwnedTask, Result<String, any Error>> {
        let store = TaskStore(pool: pool, batching: false, handoff: handoff)
        // One statement in flight, not two: each statement costs PostgreSQL far more CPU than
        // each of its rows, and on a busy machine that CPU is the wait of every other step. At
        // 2,000 creates/s: create -> running p50 15.7-36.5 -> 11.1-14.5 ms (four pairs of runs on
        // a noisy host), single creates end to end +7-14 % (docs/benchmarks.md, fifth session).
        return GroupCommit(maxBatch: 128, maxInFlight: 1) { await store.createSingles($0) }
    }

    /// Creates every request's task in one statement. If PostgreSQL refuses it (one task it
    /// cannot store), nothing was written and each request is run alone, so one bad task fails
    /// only its own request. Any other failure (a connection lost while the statement ran: it
    /// may have committed) goes to every request, as it would have to a single create: running
    /// them again could create their tasks twice.
    func createSingles(_ requests: [OwnedTask]) async -> [Result<String, any Error>] {
        if requests.count > 1 {
            do {
                return try await createAll(requests).map { .success($0) }
            } catch let error as PostgresError where error.code == .server || error.isSafeToRetry {
                // Nothing was written: each request alone below.
            } catch {
                return requests.map { _ in .failure(error) }
            }
        }
        var results: [Result<String, any Error>] = []
        for request in requests {
            do { results.append(.success(try await createAll([request])[0])) } catch { results.append(.failure(error)) }
        }
        return results
    }
}
