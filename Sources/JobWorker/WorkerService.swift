import AMQP
import Foundation
import JobConfig
import JobStore
import Logging
import PosixIO
import Postgres
import ServiceLifecycle

/// The worker daemon: consumes the queues of its services (untagged plus its tags), claims each
/// delivered task in PostgreSQL, acknowledges the delivery once the claim commits, runs the
/// registered function with at most `concurrency` runs at once, and records the outcome. A
/// heartbeat renews the leases of its runs, passes on cancellation requests, and refreshes its
/// `workers` row. On graceful shutdown (SIGTERM) it stops consuming, lets running tasks finish
/// within `worker.shutdown_grace`, requeues the rest, and returns.
///
/// ```swift
/// var registry = TaskRegistry()
/// try registry.register("echo", input: JSONObject.self) { input, _ in input }
/// let worker = WorkerService(registry: registry, settings: WorkerSettings(configuration: config), logger: logger)
/// try await ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct WorkerService: Service {
    public let registry: TaskRegistry
    public let settings: WorkerSettings
    let logger: Logger

    public init(registry: TaskRegistry, settings: WorkerSettings, logger: Logger) {
        self.registry = registry
        self.settings = settings
        var logger = logger
        logger[metadataKey: "worker_id"] = "\(settings.workerID)"
        self.logger = logger
    }

    /// The services this worker consumes: the registered ones, narrowed by `settings.services`.
    /// - Throws: `WorkerError` naming a requested service that is not registered.
    public func consumedServices() throws -> [String] {
        guard !settings.services.isEmpty else { return registry.services }
        for name in settings.services where registry.entry(name) == nil {
            throw WorkerError("service \(name) is not registered in this worker (registered: \(registry.services.joined(separator: ", ")))")
        }
        return settings.services.sorted()
    }

    public func run() async throws {
        let services = try consumedServices()
        let config = settings.configuration
        let pool = PostgresPool(
            configuration: try PostgresConfiguration(config.database.url),
            // Claims and completions are group-committed, so runs share a few connections: at
            // high concurrency one per run would exceed the server's max_connections.
            options: .init(maxConnections: min(settings.concurrency + 4, 32), acquireTimeout: .seconds(config.database.poolTimeout)),
            logger: logger)
        let topology = JobTopology(exchange: config.amqp.exchange)
        let tags = settings.tags
        var amqpConfiguration = try AMQPConfiguration(url: config.amqp.url)
        amqpConfiguration.heartbeat = config.amqp.heartbeat
        if let caFile = config.amqp.caFile { amqpConfiguration.tls?.caFile = caFile }
        let amqp = ReconnectingConnection(configuration: amqpConfiguration, logger: logger) { connection in
            try await topology.declare(on: connection, services: services, tags: tags)
        }
        let metrics = WorkerMetrics()
        let running = RunningTasks()
        // One store: one group commit of claims and completions for the whole worker.
        let runStore = TaskRunStore(pool: pool)
        let runtime = WorkerRuntime(
            settings: settings, services: services, queues: services.flatMap { service in
                [topology.queueName(service: service)] + tags.map { topology.queueName(service: service, tag: $0) }
            },
            amqp: amqp, runStore: runStore, workerStore: WorkerStore(pool: pool),
            runner: TaskRunner(
                registry: registry, store: runStore, workerID: settings.workerID, running: running,
                statistics: WorkerStatistics(), metrics: metrics, maxResultBytes: config.tasks.maxResultBytes,
                defaultBackoff: (config.tasks.backoffBase, config.tasks.backoffMax), logger: logger),
            logger: logger)
        let metricsServer = try config.worker.metricsPort > 0
            ? metrics.server(port: config.worker.metricsPort, logger: logger) {
                (running.count, await runtime.concurrency)
            } : nil
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await amqp.run() }
            if let metricsServer {
                group.addTask { try await metricsServer.run() }
                logger.info("worker metrics on 127.0.0.1", metadata: ["port": "\(metricsServer.port)"])
            }
            defer { metricsServer?.shutdown() }
            do {
                try await runtime.run()
            } catch {
                await amqp.shutdown()
                throw error
            }
            await amqp.shutdown()
        }
        await pool.close()
    }
}

extension WorkerService: CustomStringConvertible {
    /// A short name for logs and lifecycle errors: never the configuration, which holds the
    /// database and broker URLs with their passwords.
    public var description: String { "WorkerService(\(settings.workerID))" }
}

/// A worker set-up error (bad `--services`, ...).
public struct WorkerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
