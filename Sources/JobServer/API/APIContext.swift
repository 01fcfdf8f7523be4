import JobConfig
import JobCore
import JobStore
import Logging

/// What the API handlers need: the task store, the configuration, the service catalogue, the
/// authenticator and a logger.
public struct APIContext: Sendable {
    public let store: TaskStore
    public let configuration: Configuration
    public let services: ServiceCatalog
    public let authenticator: Authenticator
    public let metrics: ServerMetrics
    public let logger: Logger

    public init(store: TaskStore, configuration: Configuration, services: ServiceCatalog, authenticator: Authenticator,
                metrics: ServerMetrics = ServerMetrics(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.services = services
        self.authenticator = authenticator
        self.metrics = metrics
        self.logger = logger
    }

    /// The configured definition of `service`, if any (for `source_name` and defaults).
    func definition(of service: String) -> ServiceDefinition? {
        configuration.services.first { $0.name == service }
    }
}
