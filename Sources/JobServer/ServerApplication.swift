import HTTP1
import JobConfig
import Logging
import Postgres
import ServiceLifecycle

/// Everything `jobserver serve` runs, wired from the configuration: the database pool, the HTTP
/// API, and (as later issues add them) the background loops. Runs until SIGTERM / SIGINT, then
/// shuts down gracefully in reverse order.
public struct ServerApplication {
    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
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
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(configuration.server), router: router, logger: logger)
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
