/// Transaction isolation levels for `withTransaction`.
public enum PostgresIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"

    var beginStatement: PostgresQuery {
        switch self {
        case .readCommitted: "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}

/// How often and how fast `withRetryingTransaction` reruns a transaction that failed with a
/// serialization failure (40001) or a deadlock (40P01).
public struct PostgresRetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// Delay before the second attempt; doubles each attempt, with full jitter.
    public var baseDelay: Duration
    /// Upper bound for one delay.
    public var maxDelay: Duration

    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(5),
        maxDelay: Duration = .milliseconds(200)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The jittered delay after failed attempt `attempt` (1-based): uniform in [0, base·2^(n-1)],
    /// capped at `maxDelay`.
    func delay(afterAttempt attempt: Int) -> Duration {
        let ceiling = min(baseDelay * (1 << min(attempt - 1, 20)), maxDelay)
        let nanoseconds = ceiling.components.seconds * 1_000_000_000
            + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(nanoseconds, 0)))
    }
}

extension PostgresConnection {
    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT`, or `ROLLBACK` when `body` throws.
    ///
    /// ```swift
    /// let id = try await conn.withTransaction(isolationLevel: .serializable) { tx in
    ///     try await tx.query("INSERT INTO tasks (task_id) VALUES (\(id))")
    ///     try await tx.query("INSERT INTO outbox (task_id) VALUES (\(id))")
    ///     return id
    /// }
    /// ```
    ///
    /// - Throws: whatever `body` throws (after the rollback); `PostgresError` from BEGIN/COMMIT;
    ///   `.commitOutcomeUnknown` when the connection broke during `COMMIT`; `.server` with
    ///   SQLSTATE 25P02 when `body` swallowed a statement error, so `COMMIT` rolled back.
    public func withTransaction<T>(
        isolationLevel: PostgresIsolationLevel = .readCommitted,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await query(isolationLevel.beginStatement)
        let result = try await runRollingBackOnError(body)
        let commit = try await commitTransaction()
        if commit.commandTag == "ROLLBACK" {
            throw PostgresError(
                code: .server,
                message: "the transaction was rolled back at COMMIT because a statement in it failed",
                sqlState: .inFailedSQLTransaction, statement: "COMMIT")
        }
        return result
    }

    /// Like `withTransaction`, but reruns the whole transaction (up to `retry.maxAttempts`
    /// times, with a small jittered backoff) when it fails with a serialization failure or a
    /// deadlock. `body` must be safe to run again.
    ///
    /// ```swift
    /// try await conn.withRetryingTransaction(isolationLevel: .serializable) { tx in
    ///     let n = try await tx.query("SELECT count(*) FROM tasks").first!.decode(0, as: Int.self)
    ///     try await tx.query("INSERT INTO counts (n) VALUES (\(n))")
    /// }
    /// ```
    public func withRetryingTransaction<T>(
        isolationLevel: PostgresIsolationLevel = .readCommitted,
        retry: PostgresRetryPolicy = PostgresRetryPolicy(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withTransaction(isolationLevel: isolationLevel, body)
            } catch let error as PostgresError where error.isTransactionConflict {
                guard attempt < retry.maxAttempts else { throw error }
                try await Task.sleep(for: retry.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Runs `body`; when it throws, rolls back (ignoring a failed rollback) and rethrows.
    private func runRollingBackOnError<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await body(self)
        } catch {
            _ = try? await query("ROLLBACK")
            throw error
        }
    }

    /// `COMMIT`; a connection lost meanwhile leaves the outcome unknown.
    private func commitTransaction() throws(PostgresError) -> PostgresRows {
        do {
            return try query("COMMIT")
        } catch where error.code == .connectionLost {
            var unknown = error
            unknown.code = .commitOutcomeUnknown
            unknown.isSafeToRetry = false
            unknown.message = "connection lost during COMMIT; the transaction may or may not "
                + "have been committed: \(error.message)"
            throw unknown
        }
    }
}
