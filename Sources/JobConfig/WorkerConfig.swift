/// `worker:` — the `jobworker` daemon.
public struct WorkerConfig: Sendable, Equatable {
    /// Tasks run at once by one worker process; 0 means one per CPU core. Default 0.
    public var concurrency = 0
    /// Services to run; empty means every service the worker registers. Default empty.
    public var services: [String] = []
    /// Tags whose tasks this worker also runs (it always runs untagged tasks). Default none.
    public var tags: [String] = []
    /// Seconds a claimed task is leased; the worker renews it every heartbeat. A killed worker's
    /// tasks are rescued about this long after its last heartbeat. Default 10.
    public var leaseSeconds = 10.0
    /// Seconds between heartbeats (lease renewal, `workers` row, control commands). Default 2.
    public var heartbeatSeconds = 2.0
    /// Seconds SIGTERM waits for running tasks before requeueing them. Default 30.
    public var shutdownGrace = 30.0
    /// Port of the worker's Prometheus `/metrics` listener on 127.0.0.1; 0 disables. Default 0.
    public var metricsPort = 0

    public init() {}

    init(_ r: ConfigReader) {
        let d = WorkerConfig()
        concurrency = r.int("concurrency", default: d.concurrency, in: 0...10_000)
        services = r.stringList("services")
        tags = r.stringList("tags")
        leaseSeconds = r.seconds("lease_seconds", default: d.leaseSeconds, in: 1...86_400)
        heartbeatSeconds = r.seconds("heartbeat_seconds", default: d.heartbeatSeconds, in: 0.1...3_600)
        shutdownGrace = r.seconds("shutdown_grace", default: d.shutdownGrace, in: 0...86_400)
        metricsPort = r.int("metrics_port", default: d.metricsPort, in: 0...65_535)
        if heartbeatSeconds * 2 > leaseSeconds {
            r.fail("heartbeat_seconds", "must be at most half of worker.lease_seconds, or leases expire between heartbeats")
        }
    }
}
