import JobCore
import JobCrypto
import JobStore
import Logging
import Synchronization

/// Decrypted user secrets, cached in memory for a short time so that authenticating a request
/// costs no database round trip and no AES decryption.
///
/// Each entry (found, not found, or undecryptable) lives for `ttl` (default 10 s): a user removed
/// or a secret rotated with `jobserver user ...` (another process) takes effect within `ttl`.
/// Concurrent requests for a name that is not cached share one database lookup. Database
/// errors are not cached: the next request tries again.
///
/// Secrets stay in process memory in plain form while cached (the scheme needs them).
public final class UserSecrets: Sendable {
    /// What a lookup found.
    enum Lookup: Sendable, Equatable {
        /// The user exists; `secret` is its decrypted secret (UTF-8 bytes).
        case found(role: UserRole, secret: [UInt8])
        /// No such user.
        case notFound
        /// The stored secret does not decrypt with this key (wrong `auth.key_file` or an altered
        /// row); logged once per load.
        case undecryptable
    }

    private enum Slot {
        case ready(Lookup, expires: ContinuousClock.Instant)
        case loading(id: UInt64, Task<Lookup, any Error>)
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var nextID: UInt64 = 0
    }

    /// How long an entry is used before the database is asked again.
    public let ttl: Duration
    /// The most names kept; past it, expired entries are dropped and new results are not cached.
    public let maxEntries: Int

    private let state = Mutex(State())
    private let load: @Sendable (String) async throws -> UserStore.Credentials?
    private let key: SecretKey
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let logger: Logger

    /// A cache over `store`, decrypting with `key`.
    /// - Parameters:
    ///   - store: where users live.
    ///   - key: the key of `auth.key_file`.
    ///   - ttl: how long an entry is trusted (default 10 s).
    ///   - maxEntries: the most names cached (default 10,000; bounds memory when clients send
    ///     random unknown names).
    ///   - clock: the monotonic time (tests move it forward).
    ///   - logger: where undecryptable secrets are reported (never the secret itself).
    public convenience init(
        store: UserStore, key: SecretKey, ttl: Duration = .seconds(10), maxEntries: Int = 10_000,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, logger: Logger
    ) {
        self.init(
            load: { name in try await store.fetch(name: name) }, key: key, ttl: ttl,
            maxEntries: maxEntries, clock: clock, logger: logger)
    }

    /// A cache over any source of encrypted credentials (tests).
    init(
        load: @escaping @Sendable (String) async throws -> UserStore.Credentials?, key: SecretKey,
        ttl: Duration, maxEntries: Int, clock: @escaping @Sendable () -> ContinuousClock.Instant,
        logger: Logger
    ) {
        self.load = load
        self.key = key
        self.ttl = ttl
        self.maxEntries = maxEntries
        self.clock = clock
        self.logger = logger
    }

    /// The number of names cached or loading.
    var count: Int { state.withLock { $0.slots.count } }

    /// Forgets `name`, so its next lookup reads the database.
    public func invalidate(_ name: String) {
        state.withLock { _ = $0.slots.removeValue(forKey: name) }
    }

    /// Forgets every name.
    public func invalidateAll() {
        state.withLock { $0.slots.removeAll() }
    }

    /// The cached entry of `name`, or the database's answer (shared with concurrent callers).
    /// - Throws: the store's error (`PostgresError`) when the database cannot be read.
    func lookup(_ name: String) async throws -> Lookup {
        let now = clock()
        enum Next {
            case hit(Lookup)
            case wait(Task<Lookup, any Error>)
        }
        let next: Next = state.withLock { state in
            switch state.slots[name] {
            case .ready(let lookup, let expires) where now < expires:
                return .hit(lookup)
            case .loading(_, let task):
                return .wait(task)
            case .ready, nil:
                state.nextID &+= 1
                let id = state.nextID
                // Owned by the cache slot: every caller for `name` awaits it, and it replaces its
                // own slot with the result (or removes it on failure) before finishing.
                let task = Task { try await self.loadAndStore(name, id: id) }
                state.slots[name] = .loading(id: id, task)
                return .wait(task)
            }
        }
        switch next {
        case .hit(let lookup): return lookup
        case .wait(let task): return try await task.value
        }
    }

    /// Reads and decrypts `name`, then caches the result in the slot `id` (unless it was
    /// invalidated meanwhile).
    private func loadAndStore(_ name: String, id: UInt64) async throws -> Lookup {
        let lookup: Lookup
        do {
            lookup = try await decrypt(load(name))
        } catch {
            state.withLock { state in
                if case .loading(id, _) = state.slots[name] { state.slots[name] = nil }
            }
            throw error
        }
        let expires = clock() + ttl
        state.withLock { state in
            guard case .loading(id, _) = state.slots[name] else { return }
            if state.slots.count > maxEntries { purgeExpired(&state) }
            state.slots[name] = state.slots.count > maxEntries ? nil : .ready(lookup, expires: expires)
        }
        return lookup
    }

    private func decrypt(_ credentials: UserStore.Credentials?) -> Lookup {
        guard let credentials else { return .notFound }
        do {
            let secret = try key.openSecret(credentials.secretEncrypted, user: credentials.name)
            return .found(role: credentials.role, secret: secret)
        } catch {
            logger.error(
                "stored user secret cannot be decrypted: wrong auth.key_file or altered row",
                metadata: ["user": "\(credentials.name)", "error": "\(error)"])
            return .undecryptable
        }
    }

    private func purgeExpired(_ state: inout State) {
        let now = clock()
        state.slots = state.slots.filter { _, slot in
            if case .ready(_, let expires) = slot { return now < expires }
            return true
        }
    }
}
