extension PostgresPool {
    /// Lends a connection to `body` and takes it back when `body` returns or throws. The
    /// connection must not be kept after `body` returns: the pool hands it to the next caller.
    ///
    /// ```swift
    /// let count = try await pool.withConnection { conn in
    ///     try await conn.query("SELECT count(*) FROM tasks").first!.decode(0, as: Int.self)
    /// }
    /// ```
    ///
    /// - Throws: `PostgresError` `.poolExhausted` after `options.acquireTimeout`,
    ///   `.connectionFailed` when no connection can be opened, `.closed` after `close()`, or
    ///   whatever `body` throws.
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled connection. When the connection turns out to be dead
    /// and the statement certainly did not run (`PostgresError.isSafeToRetry`), it is run once
    /// more on a fresh connection.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresRows {
        do {
            return try await withConnection { try await $0.query(query) }
        } catch let error as PostgresError where error.code == .connectionLost && error.isSafeToRetry {
            logger.info(
                "postgres statement retried on a new connection",
                metadata: ["error": "\(error.message)"])
            return try await withConnection { try await $0.query(query) }
        }
    }

    /// Sends a notification on a pooled connection (`SELECT pg_notify(channel, payload)`).
    public nonisolated func notify(channel: String, payload: String = "") async throws {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Runs `body` in a transaction on a pooled connection (see
    /// `PostgresConnection.withTransaction`).
    public func withTransaction<T>(
        isolationLevel: PostgresIsolationLevel = .readCommitted,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.withTransaction(isolationLevel: isolationLevel, body)
        }
    }

    /// Runs `body` in a transaction and reruns it on a serialization failure or deadlock, and
    /// on a connection lost before `COMMIT` was sent (nothing was committed then; the rerun
    /// takes a fresh connection). `body` must be safe to run again.
    ///
    /// ```swift
    /// let claimed = try await pool.withRetryingTransaction(isolationLevel: .serializable) { tx in
    ///     try await tx.query("UPDATE tasks SET status = 'running' WHERE task_id = \(id)").affectedRows
    /// }
    /// ```
    ///
    /// - Throws: the last error once `retry.maxAttempts` are used; `.commitOutcomeUnknown` at
    ///   once (never retried).
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
            } catch let error as PostgresError
                where error.isTransactionConflict || error.code == .connectionLost
            {
                guard attempt < retry.maxAttempts else { throw error }
                logger.debug(
                    "postgres transaction retried",
                    metadata: ["attempt": "\(attempt)", "error": "\(error.message)"])
                try await Task.sleep(for: retry.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }
}
