import Foundation

/// Where the database stands against the migration files.
public struct MigrationStatus: Sendable, Equatable {
    /// One applied migration, as recorded in `schema_migrations`.
    public struct Applied: Sendable, Equatable {
        public var version: Int
        public var fileName: String
        public var checksum: String
        public var appliedAt: Date
    }

    /// Applied migrations, in order.
    public var applied: [Applied]
    /// Files not applied yet, in order.
    public var pending: [Migration]
    /// Applied migrations whose file changed since (an error: see `MigrationError`).
    public var modified: [MigrationError]
    /// Applied versions with no file here (the database is newer than these files).
    public var unknown: [Applied]

    /// Whether the schema matches the files exactly.
    public var isCurrent: Bool { pending.isEmpty && modified.isEmpty }
}
