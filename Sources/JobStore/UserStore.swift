import Foundation
import JobCore
import Postgres

/// All SQL for API users (table `users`, migrations/0001_initial.sql). Secrets arrive and leave
/// already encrypted: this type never sees a plain secret.
///
/// ```swift
/// let store = UserStore(pool: pool)
/// try await store.add(name: "alice", role: .user, secretEncrypted: box)
/// let alice = try await store.fetch(name: "alice")
/// ```
public struct UserStore: Sendable {
    /// A user row without its secret, for listings.
    public struct User: Sendable, Equatable {
        public var name: String
        public var role: UserRole
        public var createdAt: Date
        public var updatedAt: Date

        public init(name: String, role: UserRole, createdAt: Date, updatedAt: Date) {
            self.name = name
            self.role = role
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }
    }

    /// What authentication needs: the role and the encrypted secret
    /// (`nonce || ciphertext || tag`, bound to the name).
    public struct Credentials: Sendable, Equatable {
        public var name: String
        public var role: UserRole
        public var secretEncrypted: [UInt8]

        public init(name: String, role: UserRole, secretEncrypted: [UInt8]) {
            self.name = name
            self.role = role
            self.secretEncrypted = secretEncrypted
        }
    }

    private let run: @Sendable (PostgresQuery) async throws -> PostgresRows

    /// A store that runs each statement on a pooled connection.
    public init(pool: PostgresPool) {
        run = { query in try await pool.query(query) }
    }

    /// A store that runs its statements on `connection` (command-line tools).
    public init(connection: PostgresConnection) {
        run = { query in try await connection.query(query) }
    }

    /// Inserts a user.
    /// - Throws: `UserStoreError.duplicate` if the name is taken; `PostgresError` otherwise.
    public func add(name: String, role: UserRole, secretEncrypted: [UInt8]) async throws {
        do {
            _ = try await run(
                """
                INSERT INTO users (name, role, secret_encrypted)
                VALUES (\(name), \(role.rawValue), \(secretEncrypted))
                """)
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw UserStoreError.duplicate(name)
        }
    }

    /// Every user, ordered by name; secrets are not read.
    public func list() async throws -> [User] {
        let rows = try await run("SELECT name, role, created_at, updated_at FROM users ORDER BY name")
        return try rows.map { row in
            User(
                name: try row.decode("name", as: String.self),
                role: try Self.role(try row.decode("role", as: String.self)),
                createdAt: try row.decode("created_at", as: Date.self),
                updatedAt: try row.decode("updated_at", as: Date.self))
        }
    }

    /// The role and encrypted secret of `name`, or nil if there is no such user.
    public func fetch(name: String) async throws -> Credentials? {
        let rows = try await run("SELECT role, secret_encrypted FROM users WHERE name = \(name)")
        guard let row = rows.first else { return nil }
        return Credentials(
            name: name,
            role: try Self.role(try row.decode("role", as: String.self)),
            secretEncrypted: try row.decode("secret_encrypted", as: [UInt8].self))
    }

    /// Deletes `name`. Returns false if there was no such user.
    @discardableResult
    public func remove(name: String) async throws -> Bool {
        try await run("DELETE FROM users WHERE name = \(name)").affectedRows == 1
    }

    /// Replaces the encrypted secret of `name` and bumps `updated_at`. Returns false if there is
    /// no such user.
    @discardableResult
    public func replaceSecret(name: String, secretEncrypted: [UInt8]) async throws -> Bool {
        try await run(
            """
            UPDATE users SET secret_encrypted = \(secretEncrypted), updated_at = now()
            WHERE name = \(name)
            """
        ).affectedRows == 1
    }

    private static func role(_ text: String) throws -> UserRole {
        guard let role = UserRole(rawValue: text) else { throw UserStoreError.unknownRole(text) }
        return role
    }
}

/// A user-store failure that is not a plain database error.
public enum UserStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A user with this name exists already.
    case duplicate(String)
    /// The row holds a role this build does not know (the table's CHECK should prevent it).
    case unknownRole(String)

    public var description: String {
        switch self {
        case .duplicate(let name): "a user named \(name) already exists"
        case .unknownRole(let role): "unknown role \(role) in table users"
        }
    }
}
