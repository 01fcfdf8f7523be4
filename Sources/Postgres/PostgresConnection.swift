import Logging
import PosixIO
import Synchronization

/// One PostgreSQL connection, owned by an actor that runs on its own thread, so blocking libpq
/// calls never stall Swift's cooperative thread pool.
///
/// Usually borrowed from a `PostgresPool`; it can also be opened on its own:
///
/// ```swift
/// let config = try PostgresConfiguration("postgresql://jobs@127.0.0.1:5432/jobs")
/// let conn = try await PostgresConnection.connect(config, logger: logger)
/// let rows = try await conn.query("SELECT status FROM tasks WHERE task_id = \(id)")
/// let status = try rows.first?.decode("status", as: String.self)
/// await conn.close()
/// ```
public actor PostgresConnection {
    private let executor: ThreadExecutor
    private var handle: LibPQConnection?
    private let logger: Logger
    /// State readable without hopping to the connection's thread (for the pool).
    nonisolated let shared = SharedState()

    /// Atomics mirrored after every libpq call.
    final class SharedState: Sendable {
        /// The socket descriptor, or -1 once broken / closed.
        let socket = Atomic<Int32>(-1)
        /// False once the connection is known to be broken or closed.
        let usable = Atomic<Bool>(false)
        /// False while a transaction block is open.
        let transactionIdle = Atomic<Bool>(true)
    }

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private static let counter = Atomic<Int>(0)

    private init(logger: Logger) {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        self.executor = ThreadExecutor(name: "pg-conn-\(number)")
        self.logger = logger
    }

    deinit {
        // The actor is gone, so nothing can enqueue on the executor any more; its thread exits
        // after the queued jobs. `handle` (if still open) is finished by its own deinit.
        executor.shutdown()
    }

    /// Opens a connection (on the connection's own thread).
    ///
    /// - Throws: `PostgresError` `.connectionFailed` with libpq's message (no password).
    public static func connect(_ configuration: PostgresConfiguration, logger: Logger)
        async throws(PostgresError) -> PostgresConnection
    {
        let connection = PostgresConnection(logger: logger)
        try await connection.open(configuration)
        return connection
    }

    private func open(_ configuration: PostgresConfiguration) throws(PostgresError) {
        do {
            let handle = try LibPQConnection.connect(configuration)
            self.handle = handle
            update(handle)
            logger.debug(
                "postgres connection opened",
                metadata: ["target": "\(configuration)", "pid": "\(handle.backendPID)"])
        } catch {
            logger.debug(
                "postgres connection failed",
                metadata: ["target": "\(configuration)", "error": "\(error.message)"])
            throw error
        }
    }

    /// Runs one statement with its interpolated values as binary parameters.
    ///
    /// ```swift
    /// let rows = try await conn.query("SELECT task_id FROM tasks WHERE status = \(status) LIMIT \(10)")
    /// ```
    ///
    /// - Throws: `PostgresError`: `.server` with the SQLSTATE, `.connectionLost` when the
    ///   connection broke, `.closed` after `close()`.
    @discardableResult
    public func query(_ query: PostgresQuery) throws(PostgresError) -> PostgresRows {
        let handle = try openHandle(query.sql)
        defer { update(handle) }
        StageTrace.markTasks("statement.begin")
        defer { StageTrace.markTasks("statement.end") }
        return try handle.execute(query)
    }

    /// Runs trusted SQL text with the simple query protocol: several statements allowed, no
    /// parameters, results in text format. For migrations and DDL only, never for input.
    @discardableResult
    public func executeScript(_ sql: String) throws(PostgresError) -> PostgresRows {
        let handle = try openHandle(sql)
        defer { update(handle) }
        return try handle.executeScript(sql)
    }

    /// Sends a notification: `SELECT pg_notify(channel, payload)` (delivered on commit).
    public func notify(channel: String, payload: String = "") throws(PostgresError) {
        try query("SELECT pg_notify(\(channel), \(payload))")
    }

    /// The server process id serving this connection (e.g. for `pg_terminate_backend`).
    public var backendPID: Int32 { handle?.backendPID ?? 0 }

    /// True while the connection is open and libpq has not seen it break.
    public nonisolated var isUsable: Bool { shared.usable.load(ordering: .acquiring) }

    /// Closes the connection (PQfinish); later calls throw `.closed`.
    public func close() {
        handle = nil
        shared.usable.store(false, ordering: .releasing)
        shared.socket.store(-1, ordering: .releasing)
    }

    /// Checks a connection that sat idle: reads anything the server sent meanwhile (a restart
    /// shows up as a FATAL message and EOF) and, when `ping` is true, runs `SELECT 1`.
    func verify(ping: Bool) -> Bool {
        guard let handle, handle.isConnected else { return false }
        defer { update(handle) }
        if handle.waitReadable(timeoutMilliseconds: 0) {
            guard handle.drainUnpromptedInput() else { return false }
        }
        if ping {
            do { _ = try handle.executeScript("SELECT 1") } catch { return false }
        }
        return handle.isConnected && handle.isTransactionIdle
    }

    private func openHandle(_ statement: String) throws(PostgresError) -> LibPQConnection {
        guard let handle else {
            throw PostgresError(code: .closed, message: "the connection is closed", statement: statement)
        }
        return handle
    }

    private func update(_ handle: LibPQConnection) {
        let connected = handle.isConnected
        shared.usable.store(connected, ordering: .releasing)
        shared.socket.store(connected ? handle.socket : -1, ordering: .releasing)
        shared.transactionIdle.store(handle.isTransactionIdle, ordering: .releasing)
    }
}
