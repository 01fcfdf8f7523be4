import Logging
import Synchronization

/// What every event loop of one server shares: immutable settings plus atomic counters.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let router: Router
    let logger: Logger
    /// The listening descriptor; owned and closed by ``HTTPServer`` after every loop has exited.
    let listenerFD: Int32
    let requestIDs = RequestIDGenerator()
    let openConnections = Atomic<Int>(0)
    let accessLogEnabled: Bool

    init(configuration: HTTPServerConfiguration, router: Router, logger: Logger, listenerFD: Int32) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.listenerFD = listenerFD
        accessLogEnabled = logger.logLevel <= .info
    }

    /// Reserves a connection slot; false when the cap is reached.
    func reserveConnection() -> Bool {
        let count = openConnections.add(1, ordering: .relaxed).newValue
        if count > configuration.maxConnections {
            openConnections.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnection() {
        openConnections.subtract(1, ordering: .relaxed)
    }
}
