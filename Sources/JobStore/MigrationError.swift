/// Why migrations cannot be applied, or why the schema is not what the binary expects.
public enum MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The migrations directory or one of its files is wrong.
    case badDirectory(String)
    /// An applied migration's file changed after it was applied.
    case checksumMismatch(fileName: String, applied: String, now: String)
    /// `serve` refuses a schema that is behind: these files are not applied yet.
    case pending([String])

    public var description: String {
        switch self {
        case .badDirectory(let text):
            return text
        case .checksumMismatch(let fileName, let applied, let now):
            return "migration \(fileName) was changed after it was applied (checksum \(applied.prefix(12))… applied, "
                + "\(now.prefix(12))… now); restore the file and add a new migration instead"
        case .pending(let names):
            return "the database schema is behind: pending migrations \(names.joined(separator: ", ")); "
                + "run `jobserver migrate` first"
        }
    }
}
