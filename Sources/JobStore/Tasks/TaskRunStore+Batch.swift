import JobCore
import PosixIO
import Postgres

/// Claims and completions written in batches: one multi-row statement, one commit, for every
/// claim and completion that arrived while the previous batches were in flight (``GroupCommit``);
/// a commit flushes the WAL, and under load that flush is most of a statement's round trip, so
/// the two kinds share statements rather than each having its own. Every row keeps the
/// conditions of the single-row statement (claimable; fenced by worker id and attempt). If
/// PostgreSQL refuses a batch as a whole (a deadlock, a result it cannot store), each of its
/// requests is retried alone, so one bad row cannot fail the others. Only the primary key serves
/// these statements (the `IS TRUE` fences: see ``TaskRunStore``).
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

    /// One write of a worker: a claim or a completion.
    enum Write: Sendable {
        case claim(ClaimRequest)
        case completion(CompletionRequest)

        var taskID: String {
            switch self {
            case .claim(let request): request.taskID
            case .completion(let request): request.taskID
            }
        }
    }

    /// The outcome of one ``Write``, of the same kind.
    enum WriteResult: Sendable {
        case claim(Result<Claim?, any Error>)
        case completion(Result<Bool, any Error>)
    }

    /// The group commit of one store. Claims and completions share it, so one statement (and one
    /// commit that flushes the WAL) carries both the claims and the completions that arrived while
    /// the previous statements ran, instead of one statement of each kind.
    static func writeBatcher(pool: PostgresPool) -> GroupCommit<Write, WriteResult> {
        let store = TaskRunStore(pool: pool, batching: false)
        return GroupCommit(maxBatch: 256, maxInFlight: 2) { await store.writeBatch($0) }
    }

    /// Runs `writes` as one statement, or each alone when there is one, when they are not of one
    /// worker and lease, when a task is named by two completions or by a claim and a completion,
    /// or when PostgreSQL refused the statement (nothing was written). Any other failure (the
    /// connection broke while it ran: it may have committed) goes to every request, as it would
    /// have to a single one. Written again, the fences would keep each write single, but answer
    /// "not claimable" or "not recorded" for writes the first statement made. A task claimed
    /// twice is claimed for its first request only.
    func writeBatch(_ writes: [Write]) async -> [WriteResult] {
        var claims: [ClaimRequest] = [], completions: [CompletionRequest] = []
        for write in writes {
            switch write {
            case .claim(let request): claims.append(request)
            case .completion(let request): completions.append(request)
            }
        }
        let workerID = claims.first?.workerID ?? completions[0].workerID
        let completed = Set(completions.map(\.taskID))
        guard writes.count > 1, completed.count == completions.count,
              claims.allSatisfy({ $0.workerID == workerID && $0.leaseSeconds == claims[0].leaseSeconds && !completed.contains($0.taskID) }),
              completions.allSatisfy({ $0.workerID == workerID })
        else { return await writeEach(writes) }
        let written: (claimed: [String: Claim], recorded: Set<String>)
        do {
            written = try await StageTrace.withTasks(writes.map(\.taskID)) {
                try await writeAll(workerID: workerID, claims: claims, completions: completions)
            }
        } catch let error as PostgresError where error.code == .server || error.isSafeToRetry {
            return await writeEach(writes)
        } catch {
            return writes.map { write in
                switch write {
                case .claim: .claim(.failure(error))
                case .completion: .completion(.failure(error))
                }
            }
        }
        var claimed = written.claimed
        return writes.map { write in
            switch write {
            case .claim(let request): .claim(.success(claimed.removeValue(forKey: request.taskID)))
            case .completion(let request): .completion(.success(written.recorded.contains(request.taskID)))
            }
        }
    }

    /// The statement of ``writeBatch(_:)``: every claim and every completion, each row with the
    /// conditions of its single-row statement; the claimed tasks by id, and the ids of the
    /// recorded completions.
    ///
    /// Rows are locked claims first (`claimed` is read first by the function's final
    /// `UNION ALL`), then completions in id order. The two sets never meet: a claim locks only a
    /// task it sees waiting, a completion (and a lease renewal, in id order too) only one running
    /// for this worker, so neither waits for the other in a cycle.
    func writeAll(workerID: String, claims: [ClaimRequest], completions: [CompletionRequest])
        async throws -> (claimed: [String: Claim], recorded: Set<String>)
    {
        let claimIDs = claims.map(\.taskID).sorted()
        let leaseSeconds = claims.first?.leaseSeconds ?? 0
        let sorted = completions.sorted { $0.taskID < $1.taskID }
        let columns = sorted.map(\.columns)
        let ids = sorted.map(\.taskID), attempts = sorted.map(\.attempt)
        let statuses = columns.map(\.status.rawValue), messages = columns.map(\.message)
        let results = columns.map { $0.result ?? "" }, hasResult = columns.map { $0.result != nil }
        let delays = columns.map(\.delay)
        // migrations/0006_worker_write_function.sql: the statement, planned once per connection.
        let rows = try await pool.query("""
            SELECT * FROM worker_write(\(workerID), \(leaseSeconds), \(claimIDs)::text[],
                \(ids)::text[], \(attempts)::int8[], \(statuses)::text[], \(messages)::text[],
                \(results)::text[], \(hasResult)::bool[], \(delays)::float8[])
            """)
        var claimed: [String: Claim] = [:]
        var recorded: Set<String> = []
        for row in rows {
            let taskID = try row.decode(0, as: String.self)
            guard let service = try row.decode(1, as: String?.self) else {
                recorded.insert(taskID)
                continue
            }
            claimed[taskID] = Claim(
                taskID: taskID, service: service, condition: try row.decode(2),
                attempt: try row.decode(3), maxAttempts: try row.decode(4), timeoutSeconds: try row.decode(5))
        }
        return (claimed, recorded)
    }

    private func writeEach(_ writes: [Write]) async -> [WriteResult] {
        var results: [WriteResult] = []
        for write in writes {
            switch write {
            case .claim(let request):
                do {
                    let claim = try await StageTrace.withTasks([request.taskID]) {
                        try await claimOne(taskID: request.taskID, workerID: request.workerID, leaseSeconds: request.leaseSeconds)
                    }
                    results.append(.claim(.success(claim)))
                } catch {
                    results.append(.claim(.failure(error)))
                }
            case .completion(let request):
                do { results.append(.completion(.success(try await completeOne(request)))) } catch { results.append(.completion(.failure(error))) }
            }
        }
        return results
    }
}
