import JobCore
import PosixIO
import Postgres

/// Claims and completions written in batches: one multi-row statement, one commit, for every
/// request that arrived while the previous batch was in flight (``GroupCommit``). Every row keeps
/// the conditions of the single-row statement (claimable; fenced by worker id and attempt). If a
/// batch fails as a whole (a deadlock, a result PostgreSQL refuses), each of its requests is
/// retried alone, so one bad row cannot fail the others. Only the primary key serves these
/// statements (the `IS TRUE` fences: see ``TaskRunStore``).
extension TaskRunStore {
    struct ClaimRequest: Sendable {
        var taskID: String
        var workerID: String
        var leaseSeconds: Double
    }

    struct CompletionRequest: Sendable {
        var taskID: String
        var workerID: String
        var attempt: Int
        var outcome: Outcome

        /// The new status, message, result and retry delay the outcome writes.
        var columns: (status: TaskStatus, message: String, result: String?, delay: Double) {
            switch outcome {
            case .finished(let json): (.finished, "", json, 0)
            case .retry(let text, let after): (.waiting, text, nil, after)
            case .failed(let text): (.failed, text, nil, 0)
            case .cancelled(let text): (.cancelled, text, nil, 0)
            }
        }
    }

    /// The two group commits of one store.
    final class Batches: Sendable {
        let claims: GroupCommit<ClaimRequest, Result<Claim?, any Error>>
        let completions: GroupCommit<CompletionRequest, Result<Bool, any Error>>

        init(pool: PostgresPool) {
            let store = TaskRunStore(pool: pool, batching: false)
            claims = GroupCommit(maxBatch: 256, maxInFlight: 2) { requests in
                await StageTrace.$tasks.withValue(requests.map(\.taskID)) { await store.claimBatch(requests) }
            }
            completions = GroupCommit(maxBatch: 256, maxInFlight: 2) { await store.completeBatch($0) }
        }
    }

    /// Claims every task of `requests` in one statement; a task named twice is claimed for its
    /// first request only.
    func claimBatch(_ requests: [ClaimRequest]) async -> [Result<Claim?, any Error>] {
        let first = requests[0]
        guard requests.count > 1,
              requests.allSatisfy({ $0.workerID == first.workerID && $0.leaseSeconds == first.leaseSeconds })
        else { return await claimEach(requests) }
        let ids = requests.map(\.taskID).sorted()
        do {
            let rows = try await pool.query(("""
                WITH claimed AS (
                    UPDATE tasks SET status = 'running', worker_id = \(first.workerID), attempt = attempt + 1,
                        lease_until = now() + make_interval(secs => \(first.leaseSeconds)), started_at = now(), ended_at = NULL,
                        progress = NULL, updated_at = now()
                    WHERE task_id = ANY(\(ids)) AND (status = 'waiting' AND run_at <= now() AND NOT cancel_requested) IS TRUE
                    RETURNING task_id, service, condition::text, attempt, max_attempts, timeout_seconds
                ), events AS (
                    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
                    SELECT task_id, 'waiting', 'running', \(first.workerID), attempt FROM claimed
                )
                SELECT * FROM claimed
                """ as PostgresQuery).plannedEachCall)
            var claims: [String: Claim] = [:]
            for row in rows {
                let claim = Claim(
                    taskID: try row.decode(0), service: try row.decode(1), condition: try row.decode(2),
                    attempt: try row.decode(3), maxAttempts: try row.decode(4), timeoutSeconds: try row.decode(5))
                claims[claim.taskID] = claim
            }
            return requests.map { .success(claims.removeValue(forKey: $0.taskID)) }
        } catch {
            return await claimEach(requests)
        }
    }

    private func claimEach(_ requests: [ClaimRequest]) async -> [Result<Claim?, any Error>] {
        var results: [Result<Claim?, any Error>] = []
        for request in requests {
            do {
                results.append(.success(try await claimOne(taskID: request.taskID, workerID: request.workerID, leaseSeconds: request.leaseSeconds)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// Records every outcome of `requests` in one statement, each fenced by worker id and attempt.
    func completeBatch(_ requests: [CompletionRequest]) async -> [Result<Bool, any Error>] {
        let workerID = requests[0].workerID
        guard requests.count > 1, requests.allSatisfy({ $0.workerID == workerID }),
              Set(requests.map(\.taskID)).count == requests.count
        else { return await completeEach(requests) }
        let sorted = requests.sorted { $0.taskID < $1.taskID }
        let columns = sorted.map(\.columns)
        let ids = sorted.map(\.taskID), attempts = sorted.map(\.attempt)
        let statuses = columns.map(\.status.rawValue), messages = columns.map(\.message)
        let results = columns.map { $0.result ?? "" }, hasResult = columns.map { $0.result != nil }
        let delays = columns.map(\.delay)
        do {
            let rows = try await pool.query(("""
                WITH input AS (
                    SELECT * FROM unnest(\(ids)::text[], \(attempts)::int8[], \(statuses)::text[], \(messages)::text[],
                                         \(results)::text[], \(hasResult)::bool[], \(delays)::float8[])
                        AS i(task_id, attempt, status, message, result, has_result, delay)
                ), done AS (
                    UPDATE tasks t SET status = i.status,
                        result = CASE WHEN i.has_result THEN i.result::jsonb ELSE t.result END,
                        message = i.message, lease_until = NULL, updated_at = now(),
                        progress = CASE WHEN i.status = 'finished' THEN 1 ELSE t.progress END,
                        ended_at = CASE WHEN i.status = 'waiting' THEN NULL ELSE now() END,
                        run_at = CASE WHEN i.status = 'waiting' THEN now() + make_interval(secs => i.delay) ELSE t.run_at END
                    FROM input i
                    WHERE t.task_id = i.task_id AND (t.worker_id = \(workerID) AND t.attempt = i.attempt AND t.status = 'running') IS TRUE
                    RETURNING t.task_id, t.priority, t.run_at, t.status, i.attempt, i.message
                ), events AS (
                    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt, message)
                    SELECT task_id, 'running', status, \(workerID), attempt, message FROM done
                ), queued AS (
                    INSERT INTO task_outbox (task_id, priority, available_at)
                    SELECT task_id, priority, run_at FROM done WHERE status = 'waiting'
                )
                SELECT task_id FROM done
                """ as PostgresQuery).plannedEachCall)
            var recorded: Set<String> = []
            for row in rows { recorded.insert(try row.decode(0, as: String.self)) }
            return requests.map { .success(recorded.contains($0.taskID)) }
        } catch {
            return await completeEach(requests)
        }
    }

    private func completeEach(_ requests: [CompletionRequest]) async -> [Result<Bool, any Error>] {
        var results: [Result<Bool, any Error>] = []
        for request in requests {
            do { results.append(.success(try await completeOne(request))) } catch { results.append(.failure(error)) }
        }
        return results
    }
}
