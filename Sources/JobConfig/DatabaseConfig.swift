/// `database:` — PostgreSQL.
public struct DatabaseConfig: Sendable, Equatable {
    /// `postgresql://user:password@host:port/dbname?sslmode=require` or a libpq conninfo string.
    /// Required.
    public var url = ""
    /// Most pooled connections per process. Default 10.
    public var poolSize = 10
    /// Seconds to wait for a free pooled connection before failing (503). Default 5.
    public var poolTimeout = 5.0
    /// Seconds to wait for a new connection. Default 5.
    public var connectTimeout = 5.0
    /// Milliseconds after which PostgreSQL cancels a statement; 0 means no limit. Default 30,000.
    public var statementTimeoutMilliseconds = 30_000

    public init() {}

    init(_ r: ConfigReader) {
        let d = DatabaseConfig()
        url = r.string("url", default: d.url)
        if url.isEmpty {
            r.fail("url", "required: a postgresql:// URL or a libpq conninfo string")
        } else if !URLCheck.isPostgres(url) {
            r.fail("url", "expected a postgresql:// URL or a conninfo string (key=value ...)")
        }
        poolSize = r.int("pool_size", default: d.poolSize, in: 1...1_000)
        poolTimeout = r.seconds("pool_timeout", default: d.poolTimeout, in: 0.001...600)
        connectTimeout = r.seconds("connect_timeout", default: d.connectTimeout, in: 1...600)
        statementTimeoutMilliseconds = r.int(
            "statement_timeout_ms", default: d.statementTimeoutMilliseconds, in: 0...86_400_000)
    }
}
