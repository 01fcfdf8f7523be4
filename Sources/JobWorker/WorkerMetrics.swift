import CoreMetrics
import Metrics
import Prometheus
import Synchronization
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
    private let handleCache = Mutex<[HandleKey: Handles]>([:])

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
        let metrics = handles(service: service, outcome: outcome)
        metrics.runs.increment()
        metrics.failures?.increment()
        metrics.outcomes.increment()
        let (seconds, attoseconds) = duration.components
        metrics.durations.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The metrics one (service, outcome) pair records into.
    private struct Handles: Sendable {
        let runs: CoreMetrics.Counter
        let failures: CoreMetrics.Counter?
        let outcomes: CoreMetrics.Counter
        let durations: CoreMetrics.Timer
    }

    /// Made once per (service, outcome): making a metric looks it up in the registry and checks
    /// its name, work that a no-op task should not repeat.
    private func handles(service: String, outcome: String) -> Handles {
        handleCache.withLock { cache in
            let key = HandleKey(service: service, outcome: outcome)
            if let made = cache[key] { return made }
            let dimensions = [("service", service)]
            let made = Handles(
                runs: Counter(label: "jobworker_tasks_run_total", dimensions: dimensions, factory: factory),
                failures: outcome == "retry" || outcome == "failed"
                    ? Counter(label: "jobworker_tasks_failed_total", dimensions: dimensions, factory: factory) : nil,
                outcomes: Counter(
                    label: "jobworker_tasks_outcome_total", dimensions: dimensions + [("outcome", outcome)], factory: factory),
                durations: Timer(label: "jobworker_task_duration_seconds", dimensions: dimensions, factory: factory))
            cache[key] = made
            return made
        }
    }

    private struct HandleKey: Hashable {
        let service: String
        let outcome: String
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
