import Synchronization

/// A level-triggered wake-up: `signal()` from any thread; `wait(upTo:)` returns at once if a
/// signal came since the last wait, else when one comes or the time is up. A signal is never
/// lost: one that arrives while nobody waits is kept for the next wait. One waiter at a time.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Set when the current wait is over, so a late `park()` returns at once.
        var released = false
    }
    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Consumes a signal that came since the last wait, without waiting: true if there was one.
    func takePending() -> Bool {
        state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
    }

    /// Waits for a signal or `timeout`, whichever comes first.
    /// - Throws: `CancellationError` when the task is cancelled.
    func wait(upTo timeout: Duration) async throws {
        state.withLock { $0.released = false }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.park() }
            group.addTask { try? await Task.sleep(for: timeout) }
            _ = await group.next()
            release()
            group.cancelAll()
        }
        try Task.checkCancellation()
    }

    /// Suspends until `signal()` or `release()`, or returns at once if a signal is pending.
    private func park() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.released { return true }
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Resumes a parked waiter without consuming a signal (the timeout won).
    private func release() {
        state.withLock { state in
            defer { state.waiter = nil }
            state.released = true
            return state.waiter
        }?.resume()
    }
}
