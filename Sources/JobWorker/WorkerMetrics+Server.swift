import HTTP1
import Logging

extension WorkerMetrics {
    /// A listener for `GET /metrics` on 127.0.0.1:`port` (the worker's `worker.metrics_port`),
    /// served by the project's own HTTP/1.1 server on one event-loop thread. Keep it on loopback:
    /// a Prometheus agent on the same machine scrapes it, or a proxy forwards it.
    ///
    /// - Parameters:
    ///   - port: the TCP port; 0 picks a free one (tests).
    ///   - gauges: the current running count and concurrency, read at each scrape.
    /// - Throws: `SystemError` if the port cannot be bound.
    func server(port: Int, logger: Logger, gauges: @escaping @Sendable () async -> (running: Int, concurrency: Int)) throws -> HTTPServer {
        var router = Router()
        router.on(.get, "/metrics") { [self] _ in
            let (running, concurrency) = await gauges()
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                body: render(running: running, concurrency: concurrency))
        }
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = UInt16(clamping: port)
        configuration.eventLoopThreads = 1
        configuration.maxConnections = 64
        configuration.shutdownGracePeriod = .seconds(1)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)  // no access-log line per scrape
        return try HTTPServer(configuration: configuration, router: router, logger: quiet)
    }
}
