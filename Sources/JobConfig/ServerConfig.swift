/// `server:` — the HTTP API listener, its limits and timeouts.
public struct ServerConfig: Sendable, Equatable {
    /// Address to listen on. Default `127.0.0.1` (put the nginx TLS front before it).
    public var host = "127.0.0.1"
    /// TCP port. Default 8080.
    public var port = 8080
    /// Event-loop threads; 0 means one per CPU core.
    public var threads = 0
    /// Largest request body accepted (413 / code 4130 beyond). Default 1 MiB.
    public var maxBodyBytes = 1 << 20
    /// Largest header block accepted (431 beyond). Default 16 KiB.
    public var maxHeaderBytes = 16 << 10
    /// Most header fields accepted (431 beyond). Default 100.
    public var maxHeaderCount = 100
    /// Longest request target accepted (414 beyond). Default 8 KiB.
    public var maxURIBytes = 8 << 10
    /// Most open client connections; past it new connections are refused. Default 10,000.
    public var maxConnections = 10_000
    /// Seconds a keep-alive connection may sit idle. Default 60.
    public var idleTimeout = 60.0
    /// Seconds a client has to send a complete header block (408 beyond). Default 10.
    public var headerTimeout = 10.0
    /// Seconds a client has to send a complete body (408 beyond). Default 30.
    public var bodyTimeout = 30.0
    /// Seconds graceful shutdown waits for in-flight requests. Default 10.
    public var shutdownGrace = 10.0
    /// Log level: trace, debug, info, notice, warning, error, critical. Default info.
    public var logLevel = "info"
    /// Log format: text or json (one JSON object per line). Default text.
    public var logFormat = "text"
    /// Whether `GET /metrics` needs authentication. Default false.
    public var metricsAuth = false

    public init() {}

    init(_ r: ConfigReader) {
        let d = ServerConfig()
        host = r.string("host", default: d.host)
        port = r.int("port", default: d.port, in: 1...65535)
        threads = r.int("threads", default: d.threads, in: 0...256)
        maxBodyBytes = r.int("max_body_bytes", default: d.maxBodyBytes, in: 1...(1 << 30))
        maxHeaderBytes = r.int("max_header_bytes", default: d.maxHeaderBytes, in: 1024...(1 << 20))
        maxHeaderCount = r.int("max_header_count", default: d.maxHeaderCount, in: 8...10_000)
        maxURIBytes = r.int("max_uri_bytes", default: d.maxURIBytes, in: 64...(1 << 20))
        maxConnections = r.int("max_connections", default: d.maxConnections, in: 1...1_000_000)
        idleTimeout = r.seconds("idle_timeout", default: d.idleTimeout, in: 0.1...86_400)
        headerTimeout = r.seconds("header_timeout", default: d.headerTimeout, in: 0.1...3_600)
        bodyTimeout = r.seconds("body_timeout", default: d.bodyTimeout, in: 0.1...3_600)
        shutdownGrace = r.seconds("shutdown_grace", default: d.shutdownGrace, in: 0...3_600)
        logLevel = r.choice("log_level", default: d.logLevel, from: LogLevels.all)
        logFormat = r.choice("log_format", default: d.logFormat, from: ["text", "json"])
        metricsAuth = r.bool("metrics_auth", default: d.metricsAuth)
    }
}

/// The log level names swift-log knows.
enum LogLevels {
    static let all = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
