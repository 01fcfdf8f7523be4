/// A SQL statement whose interpolated values become `$n` parameters, never SQL text.
///
/// ```swift
/// let id = "t-42"
/// let rows = try await connection.query(
///     "SELECT status, attempt FROM tasks WHERE task_id = \(id) AND attempt < \(3)")
/// // sql: SELECT status, attempt FROM tasks WHERE task_id = $1 AND attempt < $2
/// ```
///
/// Trusted SQL fragments (identifiers chosen by code, never by users) go in with
/// `\(unescaped: "tasks")`. A query that uses `unescaped:` is not cached as a prepared statement,
/// since its text may vary without bound.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text with `$1`, `$2`, ... placeholders.
    public var sql: String
    /// The parameter values, in binary format.
    public var binds: PostgresBindings
    /// True when the text is static (no `unescaped:` fragment), so it may be prepared and cached.
    public var isCacheable: Bool

    /// A query from SQL text and binds built by hand; `sql` must use `$n` for each bind.
    public init(unsafeSQL sql: String, binds: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.binds = binds
        self.isCacheable = false
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = PostgresBindings()
        self.isCacheable = true
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
        self.isCacheable = stringInterpolation.isCacheable
    }

    /// This query run unprepared (`PQexecParams`): parsed and planned at each call, with its
    /// values and the tables' current sizes. For statements whose best plan depends on them,
    /// e.g. `id = ANY($1)` over a table that grows from empty: PostgreSQL switches a prepared
    /// statement to a generic plan after five runs and keeps it, and one made while the table
    /// was nearly empty scans all of it on every run once it holds thousands of rows.
    public var plannedEachCall: PostgresQuery {
        var copy = self
        copy.isCacheable = false
        return copy
    }

    /// The SQL text only: parameter values are never printed.
    public var description: String { sql }

    /// Builds the SQL text and binds of a `PostgresQuery`.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var binds: PostgresBindings
        var isCacheable = true

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds = PostgresBindings(capacity: interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql.append(literal)
        }

        /// Binds `value` as the next `$n` parameter (NULL when `nil`).
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value)
            sql.append("$")
            sql.append(String(binds.count))
        }

        /// Appends trusted SQL text verbatim: identifiers or keywords chosen by code, never input.
        public mutating func appendInterpolation(unescaped fragment: String) {
            sql.append(fragment)
            isCacheable = false
        }
    }
}
