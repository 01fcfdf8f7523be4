import CoreMetrics
import HTTP1
import JobStore
import Metrics
import Postgres
import Prometheus

/// The server's Prometheus metrics, through swift-metrics with swift-prometheus as backend:
/// requests by route and status with a latency histogram, tasks created by service, the outbox
/// backlog and the database pool's use (the last two read when `/metrics` is scraped).
public final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5),
        ]
        self.factory = factory
    }

    /// Counts a request and records its duration.
    func recordRequest(route: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("status", String(status))]
        Counter(label: "jobserver_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "jobserver_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Counts created tasks of `service`.
    func recordCreated(service: String, count: Int = 1) {
        Counter(label: "jobserver_tasks_created_total", dimensions: [("service", service)], factory: factory)
            .increment(by: count)
    }

    /// The exposition text, after refreshing the gauges that are read on demand.
    func render(pool: PostgresPool, outbox: OutboxStore) async -> [UInt8] {
        let statistics = pool.statistics
        Gauge(label: "jobserver_db_pool_in_use", factory: factory).record(statistics.inUse)
        Gauge(label: "jobserver_db_pool_idle", factory: factory).record(statistics.idle)
        Gauge(label: "jobserver_db_pool_waiting", factory: factory).record(statistics.waiting)
        if let backlog = try? await outbox.backlog() {
            Gauge(label: "jobserver_outbox_backlog", factory: factory).record(backlog)
        }
        return registry.emitToBuffer()
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
