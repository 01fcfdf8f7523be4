import AMQP
import HTTP1
import JobStore
import JobConfig
import Logging
import Postgres
import ServiceLifecycle

/// Everything `jobserver serve` runs, wired from the configuration: the database pool, the HTTP
/// API, and (as later issues add them) the background loops. Runs until SIGTERM / SIGINT, then
/// shuts down gracefully in reverse order.
public struct ServerApplication {
    public let configuration: Configuration
    public let key: SecretKey
    public let logger: Logger

    public init(configuration: Configuration, key: SecretKey, logger: Logger) {
        self.configuration = configuration
        self.key = key
        self.logger = logger
    }

    /// Runs the server until a termination signal.
    /// - Throws: if the listener cannot be opened (port in use, bad address) or a service fails.
    public func run() async throws {
        let database = try PostgresConfiguration(configuration.database.url)
        let pool = PostgresPool(
            configuration: database,
            options: .init(
                maxConnections: configuration.database.poolSize,
                acquireTimeout: .seconds(configuration.database.poolTimeout)),
            logger: logger)
        let topology = JobTopology(exchange: configuration.amqp.exchange)
        let serviceNames = configuration.services.map(\.name)
        let amqp = ReconnectingConnection(configuration: try amqpConfiguration(), logger: logger) { connection in
            try await topology.declare(on: connection, services: serviceNames)
        }
        let publisher = TaskPublisher(amqp: amqp, topology: topology, services: configuration.services, logger: logger)
        let relay = OutboxRelay(store: OutboxStore(pool: pool), publisher: publisher, database: database, logger: logger)
        let handoff = HandoffPublisher(
            publisher: publisher, outbox: OutboxStore(pool: pool), logger: logger)
        var router = Router()
        HealthRoute.register(on: &router, pool: pool) { await amqp.isConnected }
        let secrets = UserSecrets(store: UserStore(pool: pool), key: key, logger: logger)
        let metrics = ServerMetrics()
        let authenticator = Authenticator(secrets: secrets, windowSeconds: configuration.auth.windowSeconds, logger: logger)
        let taskStore = TaskStore(pool: pool, handoff: handoff)  // one group commit of single creates per process
        let context = APIContext(
            store: taskStore, configuration: configuration,
            services: ServiceCatalog(configured: configuration.services, workers: WorkerStore(pool: pool)),
            authenticator: authenticator, metrics: metrics, logger: logger)
        APIRoutes.register(on: &router, context: context)
        var metricsGuard: (@Sendable (HTTPRequest) async -> APIError?)?
        if configuration.server.metricsAuth {
            metricsGuard = { request in
                if case .failure(let failure) = await authenticator.authenticate(request) { return APIError(failure) }
                return nil
            }
        }
        MetricsRoute.register(
            on: &router, metrics: metrics, pool: pool, outbox: OutboxStore(pool: pool), authenticate: metricsGuard)
        var http = HTTPServerConfiguration(configuration.server)
        http.errorResponse = APIRoutes.serverErrorResponse
        let server = try HTTPServer(configuration: http, router: router, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: AMQPService(connection: amqp)), .init(service: relay), .init(service: handoff),
                           .init(service: PeriodicService.leaseReaper(store: TaskRunStore(pool: pool), logger: logger)),
                           .init(service: PeriodicService.taskCountCompactor(store: taskStore, logger: logger)),
                           .init(service: HTTPService(server: server))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    /// The broker settings from `amqp:` (URL, heartbeat, CA file).
    func amqpConfiguration() throws -> AMQPConfiguration {
        var amqp = try AMQPConfiguration(url: configuration.amqp.url)
        amqp.heartbeat = configuration.amqp.heartbeat
        if let caFile = configuration.amqp.caFile { amqp.tls?.caFile = caFile }
        return amqp
    }
}
