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
        var router = Router()
        HealthRoute.register(on: &router, pool: pool)
        let secrets = UserSecrets(store: UserStore(pool: pool), key: key, logger: logger)
        let context = APIContext(
            store: TaskStore(pool: pool), configuration: configuration,
            services: ServiceCatalog(configured: configuration.services, workers: WorkerStore(pool: pool)),
            authenticator: Authenticator(secrets: secrets, windowSeconds: configuration.auth.windowSeconds, logger: logger),
            logger: logger)
        APIRoutes.register(on: &router, context: context)
        var http = HTTPServerConfiguration(configuration.server)
        http.errorResponse = APIRoutes.serverErrorResponse
        let server = try HTTPServer(configuration: http, router: router, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: HTTPService(server: server))],
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
}
