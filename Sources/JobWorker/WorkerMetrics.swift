import CoreMetrics
import Metrics
import Prometheus
import JobStore

/// The worker's Prometheus metrics, through swift-metrics with swift-prometheus as backend:
/// runs and failures by service, a run-duration histogram by service, and gauges for the runs in
/// progress and the concurrency limit. `worker.metrics_port` serves them (`WorkerMetricsServer`).
///
/// - `jobworker_tasks_run_total{service}`: runs that ended, whatever the outcome.
/// - `jobworker_tasks_failed_total{service}`: runs that ended in an error (a retry was scheduled
///   or the task failed for good; timeouts included).
/// - `jobworker_tasks_outcome_total{service,outcome}`: outcome `finished`, `retry`, `failed`,
///   `cancelled`.
/// - `jobworker_task_duration_seconds{service}`: histogram of run times.
/// - `jobworker_tasks_running`, `jobworker_concurrency`: read when scraped.
public final class WorkerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    /// Run-time buckets from 5 ms to an hour: tasks range from no-ops to long batch work.
    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        .seconds(900), .seconds(3600),
    ]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
    }

    /// Records one run of `service` that ended with `outcome` after `duration`.
    func record(service: String, outcome: String, duration: Duration) {
        let dimensions = [("service", service)]
        Counter(label: "jobworker_tasks_run_total", dimensions: dimensions, factory: factory).increment()
        if outcome == "retry" || outcome == "failed" {
            Counter(label: "jobworker_tasks_failed_total", dimensions: dimensions, factory: factory).increment()
        }
        Counter(label: "jobworker_tasks_outcome_total", dimensions: dimensions + [("outcome", outcome)], factory: factory)
            .increment()
        let (seconds, attoseconds) = duration.components
        Timer(label: "jobworker_task_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The exposition text, with the gauges set to the current values.
    func render(running: Int, concurrency: Int) -> [UInt8] {
        Gauge(label: "jobworker_tasks_running", factory: factory).record(running)
        Gauge(label: "jobworker_concurrency", factory: factory).record(concurrency)
        return registry.emitToBuffer()
    }
}

extension WorkerMetrics {
    /// The `outcome` label of a run's outcome.
    static func label(_ outcome: TaskRunStore.Outcome) -> String {
        switch outcome {
        case .finished: "finished"
        case .retry: "retry"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }
}
