/// A five-character PostgreSQL error code (SQLSTATE), for matching server errors.
///
/// ```swift
/// do {
///     try await connection.query("INSERT INTO users (name) VALUES (\(name))")
/// } catch let error as PostgresError where error.sqlState == .uniqueViolation {
///     // the name is taken
/// }
/// ```
///
/// A `catch SQLState.uniqueViolation { ... }` clause works too (see `~=`).
public struct SQLState: Hashable, Sendable, CustomStringConvertible {
    /// The five-character code, e.g. `"23505"`.
    public let code: String

    public init(_ code: String) { self.code = code }

    public var description: String { code }

    /// The two-character class, e.g. `"23"` for integrity constraint violations.
    public var errorClass: Substring { code.prefix(2) }

    // Class 08: connection exception
    public static let connectionException = SQLState("08000")
    public static let connectionFailure = SQLState("08006")
    // Class 0A: feature not supported ("cached plan must not change result type")
    public static let featureNotSupported = SQLState("0A000")
    // Class 22: data exception
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let numericValueOutOfRange = SQLState("22003")
    public static let characterNotInRepertoire = SQLState("22021")
    // Class 23: integrity constraint violation
    public static let notNullViolation = SQLState("23502")
    public static let foreignKeyViolation = SQLState("23503")
    public static let uniqueViolation = SQLState("23505")
    public static let checkViolation = SQLState("23514")
    public static let exclusionViolation = SQLState("23P01")
    // Class 25: invalid transaction state
    public static let activeSQLTransaction = SQLState("25001")
    public static let readOnlySQLTransaction = SQLState("25006")
    public static let inFailedSQLTransaction = SQLState("25P02")
    // Class 26: invalid SQL statement name (unknown prepared statement)
    public static let invalidSQLStatementName = SQLState("26000")
    // Class 28: invalid authorization
    public static let invalidPassword = SQLState("28P01")
    // Class 3D: invalid catalog name (database does not exist)
    public static let invalidCatalogName = SQLState("3D000")
    // Class 40: transaction rollback
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    // Class 42: syntax error or access rule violation
    public static let syntaxError = SQLState("42601")
    public static let insufficientPrivilege = SQLState("42501")
    public static let undefinedColumn = SQLState("42703")
    public static let undefinedFunction = SQLState("42883")
    public static let undefinedTable = SQLState("42P01")
    public static let duplicateTable = SQLState("42P07")
    public static let duplicateObject = SQLState("42710")
    public static let duplicateDatabase = SQLState("42P04")
    // Class 53: insufficient resources
    public static let tooManyConnections = SQLState("53300")
    // Class 55: object not in prerequisite state
    public static let lockNotAvailable = SQLState("55P03")
    public static let objectInUse = SQLState("55006")
    // Class 57: operator intervention
    public static let queryCanceled = SQLState("57014")
    public static let adminShutdown = SQLState("57P01")
    public static let crashShutdown = SQLState("57P02")
    public static let cannotConnectNow = SQLState("57P03")
    public static let databaseDropped = SQLState("57P04")
    public static let idleSessionTimeout = SQLState("57P05")

    /// Lets `catch SQLState.uniqueViolation { ... }` match a `PostgresError` with that SQLSTATE.
    public static func ~= (pattern: SQLState, error: any Error) -> Bool {
        (error as? PostgresError)?.sqlState == pattern
    }
}
