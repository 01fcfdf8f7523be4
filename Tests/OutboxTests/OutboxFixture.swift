import AMQP
import JobConfig
import JobCore
import JobServer
import JobStore
import Logging
import Postgres
import Synchronization
import TestSupport

/// A relay over a fresh database and an exchange of its own, plus what the tests need to feed
/// it tasks and watch what reaches the broker.
struct OutboxFixture {
    let db: TestPostgres.Database
    let pool: PostgresPool
    let topology: JobTopology
    let amqp: ReconnectingConnection
    static let logger: Logger = {
        var logger = Logger(label: "tests.outbox")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with a fixture over a fresh migrated database and the shared (or, for a test
    /// that stops the broker, an exclusive) broker, and the name of a queue observing what is
    /// published (``observe()``); cleans up after.
    static func withObserved(exclusiveBroker: Bool = false,
                             _ body: @escaping (OutboxFixture, String) async throws -> Void) async throws {
        let run = {
            try await TestPostgres.withMigratedDatabase { db in
                let fixture = try OutboxFixture(db: db)
                let observer = try await fixture.observe()
                try await body(fixture, observer)
                await fixture.close(observer: observer)
            }
        }
        if exclusiveBroker { try await TestRabbitMQ.withExclusiveBroker(run) } else { try await TestRabbitMQ.withBroker(run) }
    }

    init(db: TestPostgres.Database) throws {
        self.db = db
        pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 6), logger: Self.logger)
        let topology = JobTopology(exchange: TestRabbitMQ.uniqueName("outbox"))
        self.topology = topology
        amqp = ReconnectingConnection(configuration: try AMQPConfiguration(url: try TestRabbitMQ.url()), logger: Self.logger) { connection in
            try await topology.declare(on: connection, services: ["echo"])
        }
    }

    func relay(batchSize: Int = 500) -> OutboxRelay {
        var relay = OutboxRelay(
            store: OutboxStore(pool: pool), publisher: publisher(amqp), database: db.configuration, logger: Self.logger)
        relay.batchSize = batchSize
        return relay
    }

    /// Runs the fixture's broker connection and `services` (relays, handoffs) while `body`
    /// runs, then stops them all.
    func running<T>(_ services: [@Sendable () async throws -> Void], _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await amqp.run() }
            for service in services { group.addTask { try await service() } }
            defer { group.cancelAll() }
            do {
                let result = try await body()
                await amqp.shutdown()
                return result
            } catch {
                await amqp.shutdown()
                throw error
            }
        }
    }

    /// A publisher of echo tasks through `connection`.
    func publisher(_ connection: ReconnectingConnection) -> TaskPublisher {
        TaskPublisher(amqp: connection, topology: topology, services: [ServiceDefinition(name: "echo")], logger: Self.logger)
    }

    /// A handoff publishing through `connection` (default: the fixture's).
    func handoff(windowSeconds: Double, removalInterval: Duration = .milliseconds(50),
                 connection: ReconnectingConnection? = nil) -> HandoffPublisher {
        HandoffPublisher(
            publisher: publisher(connection ?? amqp), outbox: OutboxStore(pool: pool),
            windowSeconds: windowSeconds, removalInterval: removalInterval, logger: Self.logger)
    }

    /// Creates `count` started echo tasks in bulks of up to 1,000 through `store` (default: one
    /// without a handoff); returns their ids.
    func createTasks(_ count: Int, store: TaskStore? = nil, priority: (Int) -> Int = { _ in 0 }) async throws -> [String] {
        let store = store ?? TaskStore(pool: pool)
        var ids: [String] = []
        var index = 0
        while index < count {
            let size = min(1_000, count - index)
            let tasks = (index..<index + size).map { i in
                NewTask(id: TaskID(service: ServiceName("echo")!), service: ServiceName("echo")!, condition: #"{"i":\#(i)}"#,
                        priority: priority(i), tag: nil, batch: "outbox-test", maxAttempts: 3, timeoutSeconds: 60,
                        delaySeconds: 0, start: true, idempotencyKey: nil)
            }
            ids += try await store.create(tasks, owner: "tester")
            index += size
        }
        return ids
    }

    /// Waits (up to `seconds`) until the outbox is empty; returns whether it emptied.
    func waitForEmptyOutbox(seconds: Int = 120) async throws -> Bool {
        for _ in 0..<(seconds * 10) {
            if try await OutboxStore(pool: pool).backlog() == 0 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A plain queue bound next to the service queue: a FIFO copy of every published message,
    /// in publish order (the service queue itself reorders by priority).
    func observe() async throws -> String {
        let name = TestRabbitMQ.uniqueName("observer")
        let connection = try await AMQPConnection.connect(url: try TestRabbitMQ.url(), logger: Self.logger)
        try await topology.declareExchange(on: connection)
        try await connection.declareQueue(name, durable: true)
        try await connection.bindQueue(name, exchange: topology.exchange, routingKey: topology.routingKey(service: "echo"))
        await connection.close()
        return name
    }

    /// Reads message ids from `queue` (acknowledging them) until `count` arrived or none came
    /// for `idleSeconds`.
    func drainMessageIDs(_ queue: String, count: Int, idleSeconds: Double = 5) async throws -> [String] {
        let connection = try await AMQPConnection.connect(url: try TestRabbitMQ.url(), logger: Self.logger)
        let consumer = try await connection.consume(queue: queue, prefetch: 500)
        let received = Mutex<(ids: [String], last: ContinuousClock.Instant)>(([], .now))
        // Owned here: cancelled below once enough arrived or the queue went quiet.
        let reader = Task {
            for try await delivery in consumer {
                received.withLock { $0.ids.append(delivery.properties.messageID ?? ""); $0.last = .now }
                try await delivery.ack()
            }
        }
        while true {
            let (got, last) = received.withLock { ($0.ids.count, $0.last) }
            if got >= count || ContinuousClock.now - last > .seconds(idleSeconds) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        reader.cancel()
        await consumer.cancel()
        await connection.close()
        return received.withLock { $0.ids }
    }

    /// Stops the connections and deletes the test's queues and exchange.
    func close(observer: String? = nil) async {
        await amqp.shutdown()
        await pool.close()
        guard let connection = try? await AMQPConnection.connect(url: try TestRabbitMQ.url(), logger: Self.logger) else { return }
        _ = try? await connection.deleteQueue(topology.queueName(service: "echo"))
        if let observer { _ = try? await connection.deleteQueue(observer) }
        try? await connection.deleteExchange(topology.exchange)
        await connection.close()
    }
}
