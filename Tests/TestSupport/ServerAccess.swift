/// One readers-writer gate over the private servers (PostgreSQL and RabbitMQ alike): ordinary
/// tests share them, a test that stops or restarts a server holds them alone. All test targets
/// run in one process, so this keeps a restart from breaking tests running beside it.
///
/// Reentrant per task: a test already inside (`TestPostgres.withDatabase` inside
/// `TestRabbitMQ.withBroker`, or the reverse) does not queue again, so nesting the fixtures in
/// any order cannot deadlock against a waiting exclusive test. Waiters are served in arrival
/// order, so an exclusive waiter is not starved by a stream of shared ones.
public actor ServerAccess {
    /// The gate of the test process.
    public static let shared = ServerAccess()

    /// How the current task (or a parent) holds the gate, if it does: true when exclusive.
    @TaskLocal static var heldExclusive: Bool?

    private var sharedHolders = 0
    private var exclusiveHeld = false
    private var queue: [(exclusive: Bool, continuation: CheckedContinuation<Void, Never>)] = []

    /// Runs `body` holding the gate (alone, when `exclusive`); at once if already held.
    public static func with<T>(exclusive: Bool, _ body: () async throws -> T) async throws -> T {
        if let heldExclusive {
            precondition(heldExclusive || !exclusive, "a test holding the servers shared cannot take them exclusively: take the exclusive fixture first")
            return try await body()
        }
        await shared.acquire(exclusive: exclusive)
        do {
            let result = try await $heldExclusive.withValue(exclusive) { try await body() }
            await shared.release(exclusive: exclusive)
            return result
        } catch {
            await shared.release(exclusive: exclusive)
            throw error
        }
    }

    private func acquire(exclusive: Bool) async {
        if queue.isEmpty && canGrant(exclusive) {
            grant(exclusive)
            return
        }
        await withCheckedContinuation { queue.append((exclusive, $0)) }
    }

    private func release(exclusive: Bool) {
        if exclusive { exclusiveHeld = false } else { sharedHolders -= 1 }
        while let next = queue.first, canGrant(next.exclusive) {
            queue.removeFirst()
            grant(next.exclusive)
            next.continuation.resume()
        }
    }

    private func canGrant(_ exclusive: Bool) -> Bool {
        exclusive ? (!exclusiveHeld && sharedHolders == 0) : !exclusiveHeld
    }

    private func grant(_ exclusive: Bool) {
        if exclusive { exclusiveHeld = true } else { sharedHolders += 1 }
    }
}
