import Logging
import Synchronization

/// A bounded pool of `PostgresConnection`s, each on its own thread.
///
/// Connections are opened on demand up to `maxConnections`, checked on checkout (broken or
/// restarted-server connections are discarded and replaced), and handed out only inside
/// `withConnection`.
///
/// ```swift
/// let pool = PostgresPool(configuration: try PostgresConfiguration(url),
///                         options: .init(maxConnections: 16), logger: logger)
/// let rows = try await pool.query("SELECT status FROM tasks WHERE task_id = \(id)")
/// try await pool.withTransaction { tx in
///     try await tx.query("UPDATE tasks SET status = 'running' WHERE task_id = \(id)")
/// }
/// await pool.close()
/// ```
public actor PostgresPool {
    /// Pool sizing and health-check settings.
    public struct Options: Sendable {
        /// Connections open at most (in use + idle + being opened).
        public var maxConnections: Int
        /// How long `withConnection` waits for a free connection before `.poolExhausted`.
        public var acquireTimeout: Duration
        /// A connection idle longer than this runs `SELECT 1` before it is handed out.
        public var idleCheckInterval: Duration

        public init(
            maxConnections: Int = 10, acquireTimeout: Duration = .seconds(10),
            idleCheckInterval: Duration = .seconds(30)
        ) {
            self.maxConnections = max(1, maxConnections)
            self.acquireTimeout = acquireTimeout
            self.idleCheckInterval = idleCheckInterval
        }
    }

    /// A snapshot of the pool's counters (for metrics).
    public struct Statistics: Sendable, Equatable {
        public var inUse: Int
        public var idle: Int
        public var waiting: Int
        public var opening: Int

        public init(inUse: Int, idle: Int, waiting: Int, opening: Int) {
            self.inUse = inUse
            self.idle = idle
            self.waiting = waiting
            self.opening = opening
        }
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<PostgresConnection?, any Error>
        let timeout: Task<Void, Never>
    }

    private final class Counters: Sendable {
        let inUse = Atomic<Int>(0)
        let idle = Atomic<Int>(0)
        let waiting = Atomic<Int>(0)
        let opening = Atomic<Int>(0)
    }

    /// The connection target (password redacted in its description).
    public nonisolated let configuration: PostgresConfiguration
    public nonisolated let options: Options
    nonisolated let logger: Logger
    private nonisolated let counters = Counters()

    private var idle: [(connection: PostgresConnection, since: ContinuousClock.Instant)] = []
    private var inUse = 0
    private var opening = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private var isClosed = false

    /// Creates a pool; no connection is opened until the first `withConnection`.
    public init(configuration: PostgresConfiguration, options: Options = Options(), logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
    }

    /// Current counters, readable without waiting for the pool.
    public nonisolated var statistics: Statistics {
        Statistics(
            inUse: counters.inUse.load(ordering: .relaxed),
            idle: counters.idle.load(ordering: .relaxed),
            waiting: counters.waiting.load(ordering: .relaxed),
            opening: counters.opening.load(ordering: .relaxed))
    }

    /// Closes idle connections and fails waiters; connections in use close when returned.
    public func close() async {
        isClosed = true
        let failed = waiters
        waiters.removeAll()
        for waiter in failed {
            waiter.timeout.cancel()
            waiter.continuation.resume(throwing: PostgresError.closed("the pool"))
        }
        let closing = idle
        idle.removeAll()
        publish()
        for entry in closing { await entry.connection.close() }
    }

    /// Takes a healthy connection: an idle one, a new one, or the next one released.
    func lease() async throws -> PostgresConnection {
        while true {
            guard !isClosed else { throw PostgresError.closed("the pool") }
            if let entry = idle.popLast() {
                inUse += 1
                publish()
                if await isHealthy(entry.connection, idleSince: entry.since) {
                    return entry.connection
                }
                logger.debug("postgres pool discarded a broken idle connection")
                inUse -= 1
                publish()
                await entry.connection.close()
                continue
            }
            if inUse + idle.count + opening < options.maxConnections {
                return try await open()
            }
            if let handedOver = try await waitForConnection() { return handedOver }
            // nil: a slot became free; go round and open a connection.
        }
    }

    /// Returns a leased connection: handed to the first waiter, kept idle, or closed if broken.
    func release(_ connection: PostgresConnection) async {
        inUse -= 1
        let healthy =
            connection.shared.usable.load(ordering: .acquiring)
            && connection.shared.transactionIdle.load(ordering: .acquiring)
        if isClosed || !healthy {
            publish()
            wakeWaiterForFreeSlot()
            await connection.close()
            return
        }
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.timeout.cancel()
            inUse += 1
            publish()
            waiter.continuation.resume(returning: connection)
            return
        }
        idle.append((connection, .now))
        publish()
    }

    private func open() async throws -> PostgresConnection {
        opening += 1
        publish()
        do {
            let connection = try await PostgresConnection.connect(configuration, logger: logger)
            opening -= 1
            if isClosed {
                publish()
                await connection.close()
                throw PostgresError.closed("the pool")
            }
            inUse += 1
            publish()
            return connection
        } catch {
            opening -= 1
            publish()
            wakeWaiterForFreeSlot()
            throw error
        }
    }

    /// Cheap check without leaving the pool: libpq's status and a zero-timeout poll of the
    /// socket. Only a socket with unread data (a restarted server's FATAL message and EOF) or a
    /// connection idle past `idleCheckInterval` costs a trip to its thread.
    private func isHealthy(_ connection: PostgresConnection, idleSince: ContinuousClock.Instant)
        async -> Bool
    {
        guard connection.isUsable else { return false }
        let stale = ContinuousClock.now - idleSince > options.idleCheckInterval
        let socket = connection.shared.socket.load(ordering: .acquiring)
        if stale || LibPQConnection.pollReadable(socket: socket, timeoutMilliseconds: 0) {
            return await connection.verify(ping: stale)
        }
        return true
    }

    private func waitForConnection() async throws -> PostgresConnection? {
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = options.acquireTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Owned by the waiter entry: cancelled when the waiter is served or removed.
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    guard !Task.isCancelled else { return }
                    await self?.expireWaiter(id)
                }
                waiters.append(Waiter(id: id, continuation: continuation, timeout: timer))
                publish()
            }
        } onCancel: {
            // onCancel is synchronous; this short task hops to the pool to remove the waiter.
            Task { [weak self] in await self?.cancelWaiter(id) }
        }
    }

    private func expireWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        publish()
        waiter.continuation.resume(
            throwing: PostgresError(
                code: .poolExhausted,
                message: "no database connection became free within \(options.acquireTimeout) "
                    + "(pool of \(options.maxConnections), all in use); raise the pool size or "
                    + "look for slow queries or leaked transactions"))
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timeout.cancel()
        publish()
        waiter.continuation.resume(throwing: CancellationError())
    }

    private func wakeWaiterForFreeSlot() {
        guard !waiters.isEmpty else { return }
        let waiter = waiters.removeFirst()
        waiter.timeout.cancel()
        publish()
        waiter.continuation.resume(returning: nil)
    }

    private func publish() {
        counters.inUse.store(inUse, ordering: .relaxed)
        counters.idle.store(idle.count, ordering: .relaxed)
        counters.waiting.store(waiters.count, ordering: .relaxed)
        counters.opening.store(opening, ordering: .relaxed)
    }
}
