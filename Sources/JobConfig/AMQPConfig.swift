/// `amqp:` — RabbitMQ.
public struct AMQPConfig: Sendable, Equatable {
    /// `amqp://user:password@host:port/vhost` or `amqps://...` for TLS. Required.
    public var url = ""
    /// The durable direct exchange tasks are published to. Default `jobs`.
    public var exchange = "jobs"
    /// Heartbeat interval in seconds negotiated with the broker; 0 disables. Default 30.
    public var heartbeat = 30
    /// Deliveries a worker may hold unacknowledged; 0 means the worker's concurrency. Default 0.
    public var prefetch = 0
    /// CA bundle for verifying an amqps:// broker; empty means the system's. Default empty.
    public var caFile: String?

    public init() {}

    init(_ r: ConfigReader) {
        let d = AMQPConfig()
        url = r.string("url", default: d.url)
        if url.isEmpty {
            r.fail("url", "required: an amqp:// or amqps:// URL")
        } else if !URLCheck.isAMQP(url) {
            r.fail("url", "expected an amqp:// or amqps:// URL with a host")
        }
        exchange = r.string("exchange", default: d.exchange)
        if exchange.isEmpty || exchange.utf8.count > 255 { r.fail("exchange", "expected a name of 1 to 255 bytes") }
        heartbeat = r.int("heartbeat", default: d.heartbeat, in: 0...3_600)
        prefetch = r.int("prefetch", default: d.prefetch, in: 0...65_535)
        caFile = r.optionalString("ca_file")
    }
}
