/// A readers-writer lock over the private servers: ordinary tests share them, a test that
/// restarts a server holds them alone. Waiters are served in arrival order, so an exclusive
/// waiter is not starved by a stream of shared ones.
public actor ServerAccess {
    /// The lock of the test process.
    public static let shared = ServerAccess()

    private var sharedHolders = 0
    private var exclusiveHeld = false
    private var queue: [(exclusive: Bool, continuation: CheckedContinuation<Void, Never>)] = []

    /// Waits until the servers may be used (alone, when `exclusive`).
    public func acquire(exclusive: Bool) async {
        if queue.isEmpty && canGrant(exclusive) {
            grant(exclusive)
            return
        }
        await withCheckedContinuation { queue.append((exclusive, $0)) }
    }

    /// Gives back what `acquire(exclusive:)` took.
    public func release(exclusive: Bool) {
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
