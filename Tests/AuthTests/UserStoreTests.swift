import Foundation
import JobCore
import JobServer
import JobStore
import Postgres
import Testing

/// `UserStore` and `UserAccounts` against a real PostgreSQL database.
@Suite struct UserStoreTests {
    @Test func addStoresTheSecretOnlyEncrypted() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let accounts = UserAccounts(store: UserStore(pool: pool), key: key)
            let secret = try await accounts.add(name: "alice", role: .admin)
            #expect(secret.count == 64 && secret.allSatisfy { "0123456789abcdef".contains($0) })

            let stored = try #require(try await UserStore(pool: pool).fetch(name: "alice"))
            #expect(stored.role == .admin)
            #expect(stored.secretEncrypted.count == 12 + 64 + 16)
            let raw = try await pool.query("SELECT secret_encrypted, encode(secret_encrypted, 'escape') AS text FROM users")
            let bytes = try raw[0].decode("secret_encrypted", as: [UInt8].self)
            #expect(!Self.contains(bytes, Array(secret.utf8)))
            #expect(!Self.contains(bytes, Array(secret.prefix(16).utf8)))
            #expect(try !raw[0].decode("text", as: String.self).contains(secret.prefix(16)))
            #expect(try key.openSecret(bytes, user: "alice") == Array(secret.utf8))
        }
    }

    @Test func ciphertextMovedToAnotherUserDoesNotDecrypt() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let accounts = UserAccounts(store: UserStore(pool: pool), key: key)
            _ = try await accounts.add(name: "alice", role: .user)
            _ = try await accounts.add(name: "mallory", role: .user)
            try await pool.query(
                "UPDATE users SET secret_encrypted = (SELECT secret_encrypted FROM users WHERE name = 'alice') WHERE name = 'mallory'")
            let moved = try #require(try await UserStore(pool: pool).fetch(name: "mallory"))
            #expect(throws: (any Error).self) { try key.openSecret(moved.secretEncrypted, user: "mallory") }
        }
    }

    @Test func duplicateAddIsAClearError() async throws {
        try await withUserDatabase { pool in
            let accounts = UserAccounts(store: UserStore(pool: pool), key: try randomKey())
            _ = try await accounts.add(name: "alice", role: .user)
            await #expect(throws: UserAccountError.duplicate("alice")) {
                _ = try await accounts.add(name: "alice", role: .admin)
            }
            #expect(try await accounts.list().map(\.role) == [.user])
        }
    }

    @Test(arguments: ["", "a:b", "with space", "ünïcode", String(repeating: "x", count: 65), "semi;colon"])
    func invalidNamesAreRefused(name: String) async throws {
        try await withUserDatabase { pool in
            let accounts = UserAccounts(store: UserStore(pool: pool), key: try randomKey())
            await #expect(throws: UserAccountError.invalidName(name)) { _ = try await accounts.add(name: name, role: .user) }
        }
    }

    @Test func listRemoveAndRotate() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let store = UserStore(pool: pool)
            let accounts = UserAccounts(store: store, key: key)
            _ = try await accounts.add(name: "zed", role: .consumer)
            let alice = try await accounts.add(name: "alice@example.com", role: .user)
            _ = try await accounts.add(name: "root", role: .admin)
            _ = try await accounts.add(name: String(repeating: "x", count: 64), role: .user)

            let listed = try await accounts.list()
            #expect(listed.map(\.name) == ["alice@example.com", "root", String(repeating: "x", count: 64), "zed"])
            #expect(listed.map(\.role) == [.user, .admin, .user, .consumer])
            #expect(listed.allSatisfy { abs($0.createdAt.timeIntervalSinceNow) < 60 })

            let rotated = try await accounts.rotateSecret(name: "alice@example.com")
            #expect(rotated != alice)
            let fetched = try #require(try await store.fetch(name: "alice@example.com"))
            #expect(try key.openSecret(fetched.secretEncrypted, user: "alice@example.com") == Array(rotated.utf8))
            let after = try await accounts.list().first { $0.name == "alice@example.com" }
            #expect(try #require(after).updatedAt >= listed[0].updatedAt)

            try await accounts.remove(name: "root")
            #expect(try await store.fetch(name: "root") == nil)
            await #expect(throws: UserAccountError.notFound("root")) { try await accounts.remove(name: "root") }
            await #expect(throws: UserAccountError.notFound("nobody")) { _ = try await accounts.rotateSecret(name: "nobody") }
            #expect(try await accounts.list().count == 3)
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
