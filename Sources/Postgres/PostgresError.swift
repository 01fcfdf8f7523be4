/// An error from this module: a server error with its SQLSTATE, a lost or failed connection, an
/// exhausted pool, or a column that cannot be decoded.
///
/// The description never contains parameter values or passwords: statements are kept as SQL text
/// with `$n` placeholders, and connection targets are redacted.
///
/// ```swift
/// do {
///     try await pool.query("INSERT INTO tasks (task_id) VALUES (\(id))")
/// } catch let error as PostgresError where error.sqlState == .uniqueViolation {
///     // duplicate id
/// } catch let error as PostgresError where error.code == .connectionLost {
///     // the server went away; error.message holds libpq's message
/// }
/// ```
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The server rejected the statement; `sqlState` and the server fields are set.
        public static let server = Code(name: "server")
        /// A new connection could not be established (bad URL, server down, authentication).
        public static let connectionFailed = Code(name: "connectionFailed")
        /// An established connection broke; `message` holds libpq's message. See `isSafeToRetry`.
        public static let connectionLost = Code(name: "connectionLost")
        /// The connection broke while `COMMIT` was in flight: the transaction may or may not have
        /// been committed.
        public static let commitOutcomeUnknown = Code(name: "commitOutcomeUnknown")
        /// No pooled connection became free within the pool's acquire timeout.
        public static let poolExhausted = Code(name: "poolExhausted")
        /// The pool (or listener) was shut down.
        public static let closed = Code(name: "closed")
        /// A column's value could not be decoded as the requested Swift type; `column` is set.
        public static let decoding = Code(name: "decoding")
        /// A connection URL or conninfo string is invalid.
        public static let invalidConfiguration = Code(name: "invalidConfiguration")
        /// The server answered something this client did not expect (e.g. COPY).
        public static let unexpectedResponse = Code(name: "unexpectedResponse")
    }

    /// The kind of failure.
    public var code: Code
    /// Primary message: the server's, libpq's, or this module's.
    public var message: String
    /// SQLSTATE reported by the server, if any.
    public var sqlState: SQLState?
    /// Non-localized severity (`ERROR`, `FATAL`, `PANIC`), for server errors.
    public var severity: String?
    /// The server's DETAIL line (may quote the offending row's key values, never our binds).
    public var detail: String?
    /// The server's HINT line.
    public var hint: String?
    /// The violated constraint, for integrity errors.
    public var constraint: String?
    /// The column concerned: the undecodable column, or the server's column field.
    public var column: String?
    /// The statement's SQL text (with `$n` placeholders; never parameter values).
    public var statement: String?
    /// For `connectionLost`: true when the statement certainly did not run, so running it again
    /// on another connection cannot apply it twice (the connection was found dead before the
    /// statement was sent, or the server reported terminating the session with a class 57
    /// SQLSTATE, which rolls the statement back).
    public var isSafeToRetry: Bool

    public init(
        code: Code, message: String, sqlState: SQLState? = nil, severity: String? = nil,
        detail: String? = nil, hint: String? = nil, constraint: String? = nil,
        column: String? = nil, statement: String? = nil, isSafeToRetry: Bool = false
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.column = column
        self.statement = statement
        self.isSafeToRetry = isSafeToRetry
    }

    /// True for the transient transaction conflicts a retry can resolve (40001, 40P01).
    public var isTransactionConflict: Bool {
        sqlState == .serializationFailure || sqlState == .deadlockDetected
    }

    public var description: String {
        var text = "PostgresError.\(code.name)"
        if let severity { text += " \(severity)" }
        if let sqlState { text += " [\(sqlState.code)]" }
        text += ": \(message)"
        if let detail { text += " DETAIL: \(detail)" }
        if let hint { text += " HINT: \(hint)" }
        if let constraint { text += " (constraint \(constraint))" }
        if let statement { text += " (statement: \(statement))" }
        return text
    }
}

extension PostgresError {
    static func closed(_ what: String) -> PostgresError {
        PostgresError(code: .closed, message: "\(what) is closed")
    }
}
