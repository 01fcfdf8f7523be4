import JobCore
import JobCrypto
import JobStore

/// Adding, listing, removing users and rotating their secrets (`jobserver user ...`): name
/// validation, secret generation and encryption on top of `UserStore`.
///
/// A secret is 32 random bytes written as 64 lowercase hex characters; it is returned once and
/// stored only encrypted (AES-256-GCM under `auth.key_file`, bound to the user name).
///
/// ```swift
/// let accounts = UserAccounts(store: UserStore(connection: connection), key: key)
/// let secret = try await accounts.add(name: "alice", role: .user)   // show it once
/// ```
public struct UserAccounts: Sendable {
    private let store: UserStore
    private let key: SecretKey

    public init(store: UserStore, key: SecretKey) {
        self.store = store
        self.key = key
    }

    /// Creates `name` with `role` and a fresh secret.
    /// - Returns: the secret, the only time it is available in plain form.
    /// - Throws: `UserAccountError.invalidName`, `.duplicate`; `PostgresError`; `AESGCMError`.
    public func add(name: String, role: UserRole) async throws -> String {
        try Self.validate(name)
        let secret = try Self.newSecret()
        do {
            try await store.add(name: name, role: role, secretEncrypted: try key.sealSecret(secret, user: name))
        } catch UserStoreError.duplicate(let existing) {
            throw UserAccountError.duplicate(existing)
        }
        return secret
    }

    /// Every user (name, role, times), ordered by name. Secrets are not read.
    public func list() async throws -> [UserStore.User] {
        try await store.list()
    }

    /// Deletes `name`. Servers stop accepting it within their cache TTL.
    /// - Throws: `UserAccountError.notFound` if there is no such user.
    public func remove(name: String) async throws {
        guard try await store.remove(name: name) else { throw UserAccountError.notFound(name) }
    }

    /// Gives `name` a fresh secret; the old one stops working within the servers' cache TTL.
    /// - Returns: the new secret, shown once.
    /// - Throws: `UserAccountError.notFound` if there is no such user.
    public func rotateSecret(name: String) async throws -> String {
        let secret = try Self.newSecret()
        guard try await store.replaceSecret(name: name, secretEncrypted: try key.sealSecret(secret, user: name)) else {
            throw UserAccountError.notFound(name)
        }
        return secret
    }

    /// 32 random bytes as 64 lowercase hex characters.
    static func newSecret() throws -> String {
        Digest.hex(try SecureRandom.bytes(32))
    }

    /// - Throws: `UserAccountError.invalidName` unless `name` matches `[A-Za-z0-9_.@-]{1,64}`.
    static func validate(_ name: String) throws(UserAccountError) {
        guard UserName.isValid(name) else { throw .invalidName(name) }
    }
}

/// Why a user command failed; never contains a secret.
public enum UserAccountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name does not match `[A-Za-z0-9_.@-]{1,64}`.
    case invalidName(String)
    /// A user with this name exists already.
    case duplicate(String)
    /// There is no user with this name.
    case notFound(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "invalid user name \"\(name)\": use 1 to 64 of A-Z a-z 0-9 _ . @ - (no colon, no spaces)"
        case .duplicate(let name): "a user named \(name) already exists (rotate its secret with `jobserver user rotate-secret \(name)`)"
        case .notFound(let name): "no user named \(name)"
        }
    }
}
