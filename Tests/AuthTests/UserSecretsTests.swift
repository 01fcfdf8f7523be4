import Foundation
import JobCore
import JobCrypto
import JobServer
import JobStore
import Synchronization
import Testing

@testable import JobServer

/// The TTL cache of decrypted secrets.
@Suite struct UserSecretsTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func header(_ user: String, _ secret: String) -> String {
        AuthSignature.header(user: user, secret: secret, timestamp: 1_700_000_000)
    }

    @Test func removedAndRotatedUsersAreRejectedAfterTheTTL() async throws {
        try await withUserDatabase { pool in
            let key = try randomKey()
            let clock = ManualClock()
            let accounts = UserAccounts(store: UserStore(pool: pool), key: key)
            let alice = try await accounts.add(name: "alice", role: .user)
            let bob = try await accounts.add(name: "bob", role: .user)
            let secrets = UserSecrets(
                store: UserStore(pool: pool), key: key, ttl: .seconds(10), clock: clock.now, logger: testLogger)
            let authenticator = Authenticator(secrets: secrets, logger: testLogger)
            func code(_ user: String, _ secret: String) async -> Int {
                switch await authenticator.authenticate(
                    authorization: Self.header(user, secret), timestampParameter: "1700000000", now: Self.now) {
                case .success: 0
                case .failure(let failure): failure.code
                }
            }
            #expect(await code("alice", alice) == 0)
            #expect(await code("bob", bob) == 0)
            #expect(await code("carol", "x") == 401)

            try await accounts.remove(name: "alice")
            let newBob = try await accounts.rotateSecret(name: "bob")
            _ = try await accounts.add(name: "carol", role: .admin)
            clock.advance(by: .seconds(9))
            #expect(await code("alice", alice) == 0, "still cached inside the TTL")
            #expect(await code("bob", bob) == 0)
            clock.advance(by: .seconds(1))
            #expect(await code("alice", alice) == 401)
            #expect(await code("bob", bob) == 401)
            #expect(await code("bob", newBob) == 0)

            secrets.invalidate("carol")
            let carol = try await accounts.rotateSecret(name: "carol")
            #expect(await code("carol", carol) == 0)
        }
    }

    @Test func concurrentMissesShareOneLoadAndHitsLoadNothing() async throws {
        let key = try randomKey()
        let loads = Mutex(0)
        let box = try key.sealSecret("s3cret", user: "alice")
        let secrets = UserSecrets(
            load: { name in
                loads.withLock { $0 += 1 }
                try await Task.sleep(for: .milliseconds(50))
                return name == "alice" ? UserStore.Credentials(name: name, role: .admin, secretEncrypted: box) : nil
            },
            key: key, ttl: .seconds(10), maxEntries: 100, clock: { .now }, logger: testLogger)
        let results = await withTaskGroup(of: UserSecrets.Lookup?.self) { group in
            for _ in 0..<50 { group.addTask { try? await secrets.lookup("alice") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == .found(role: .admin, secret: Array("s3cret".utf8)) })
        #expect(loads.withLock { $0 } == 1)
        #expect(try await secrets.lookup("nobody") == .notFound)
        #expect(try await secrets.lookup("nobody") == .notFound)
        #expect(loads.withLock { $0 } == 2, "not-found is cached too")
    }

    @Test func databaseErrorsAreNotCachedAndAnswer5030() async throws {
        struct Down: Error {}
        let key = try randomKey()
        let down = Mutex(true)
        let box = try key.sealSecret("s3cret", user: "alice")
        let secrets = UserSecrets(
            load: { name in
                if down.withLock({ $0 }) { throw Down() }
                return UserStore.Credentials(name: name, role: .user, secretEncrypted: box)
            },
            key: key, ttl: .seconds(10), maxEntries: 100, clock: { .now }, logger: testLogger)
        let authenticator = Authenticator(secrets: secrets, logger: testLogger)
        let header = Self.header("alice", "s3cret")
        guard case .failure(let failure) = await authenticator.authenticate(
            authorization: header, timestampParameter: "1700000000", now: Self.now)
        else { Issue.record("accepted with the database down"); return }
        #expect(failure.code == 5030 && failure.httpStatus == 503 && failure.challenge == nil)
        down.withLock { $0 = false }
        let user = try await authenticator.authenticate(
            authorization: header, timestampParameter: "1700000000", now: Self.now
        ).get()
        #expect(user == AuthenticatedUser(name: "alice", role: .user))
    }

    @Test func undecryptableSecretIsRejectedNotCrashed() async throws {
        let key = try randomKey(), otherKey = try randomKey()
        let sealedElsewhere = try otherKey.sealSecret("s3cret", user: "alice")
        let secrets = UserSecrets(
            load: { name in UserStore.Credentials(name: name, role: .user, secretEncrypted: sealedElsewhere) },
            key: key, ttl: .seconds(10), maxEntries: 100, clock: { .now }, logger: testLogger)
        #expect(try await secrets.lookup("alice") == .undecryptable)
        let result = await Authenticator(secrets: secrets, logger: testLogger).authenticate(
            authorization: Self.header("alice", "s3cret"), timestampParameter: "1700000000", now: Self.now)
        guard case .failure(let failure) = result else { Issue.record("accepted"); return }
        #expect(failure.code == 401)
    }

    @Test func cacheSizeIsBounded() async throws {
        let key = try randomKey()
        let clock = ManualClock()
        let secrets = UserSecrets(
            load: { _ in nil }, key: key, ttl: .seconds(10), maxEntries: 10, clock: clock.now, logger: testLogger)
        for index in 0..<100 { _ = try await secrets.lookup("user\(index)") }
        #expect(secrets.count <= 11)
        clock.advance(by: .seconds(11))
        _ = try await secrets.lookup("another")
        #expect(secrets.count <= 11)
    }
}
