import JobCore
import Postgres

/// A WHERE clause built from optional filters, each value bound as `$n` (never spliced into the
/// text). Queries built from it are planned per call, which suits their varying filters.
struct TaskConditions {
    private(set) var clauses: [String] = []
    private(set) var binds = PostgresBindings()

    /// Adds `column = value` when `value` is not nil. `column` is a trusted identifier.
    mutating func equal<Value: PostgresEncodable>(_ column: String, _ value: Value?) {
        guard let value else { return }
        binds.append(value)
        clauses.append("\(column) = $\(binds.count)")
    }

    /// Adds a clause with one bound value, written with `$` where the placeholder goes.
    mutating func clause<Value: PostgresEncodable>(_ sql: String, _ value: Value) {
        binds.append(value)
        clauses.append(sql.replacingOccurrences(of: "$", with: "$\(binds.count)"))
    }

    /// Adds a clause as written; its values must come from `placeholder(_:)`.
    mutating func raw(_ sql: String) { clauses.append(sql) }

    /// Restricts to the scope's owner.
    mutating func scope(_ scope: TaskScope) { equal("owner", scope.ownerFilter) }

    /// The filter's fields.
    mutating func filter(_ filter: TaskFilter) {
        equal("service", filter.service)
        equal("status", filter.status?.rawValue)
        equal("batch", filter.batch)
        equal("tag", filter.tag)
        equal("worker_id", filter.workerID)
    }

    /// Binds one more value and returns its placeholder (for LIMIT and the like).
    mutating func placeholder<Value: PostgresEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// `WHERE a AND b ...`, or nothing.
    var whereSQL: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
}
