/// Settings of an ``HTTPServer``; every field has a default.
///
/// ```swift
/// var configuration = HTTPServerConfiguration()
/// configuration.port = 0  // any free port; read it back from `server.port`
/// configuration.limits.maxBodyBytes = 4 << 20
/// ```
public struct HTTPServerConfiguration: Sendable {
    /// IPv4 address to listen on.
    public var host: String = "127.0.0.1"
    /// Port to listen on; 0 picks a free one.
    public var port: UInt16 = 8080
    /// Event-loop threads (they do IO and parsing only; handlers run on Swift's pool).
    public var eventLoopThreads: Int = 1
    /// Most open connections. Past it, a new connection gets `503` with `Connection: close`
    /// and `Retry-After: 1`, written without reading its request, and is closed at once.
    public var maxConnections: Int = 4096
    /// Listen backlog.
    public var backlog: Int32 = 1024
    /// Parser limits.
    public var limits = HTTPLimits()
    /// From a new connection, or from the first byte of a request, until its header section is
    /// complete. Expiry: 408 and close (or a silent close if no byte of the request arrived).
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of the header section until the body is complete. Expiry: 408 and close.
    public var bodyTimeout: Duration = .seconds(30)
    /// Keep-alive: from a response until the next request starts. Expiry: silent close.
    public var idleTimeout: Duration = .seconds(60)
    /// How long pending output may stay unwritten (a peer that does not read). Expiry: close.
    public var writeTimeout: Duration = .seconds(30)
    /// After a final response (`Connection: close`, errors), how long to keep reading and
    /// discarding input so the peer sees the response rather than a reset.
    public var lingerTimeout: Duration = .seconds(2)
    /// On shutdown, how long in-flight requests may take before every connection is closed.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Builds error responses (404, 405, 500, thrown `HTTPError`s and protocol errors).
    public var errorResponse: HTTPErrorResponder = HTTPErrorResponses.envelope

    /// The defaults above.
    public init() {}

    var connectionTimeouts: ConnectionStateMachine.Timeouts {
        .init(header: headerTimeout, body: bodyTimeout, idle: idleTimeout, write: writeTimeout, linger: lingerTimeout)
    }

    /// How often loops check deadlines: a quarter of the shortest timeout, within 10–250 ms.
    var tickInterval: Duration {
        let shortest = [headerTimeout, bodyTimeout, idleTimeout, writeTimeout, lingerTimeout].min()!
        return min(max(shortest / 4, .milliseconds(10)), .milliseconds(250))
    }
}
