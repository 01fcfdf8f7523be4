import Synchronization

/// What became of a run raced against its deadline.
enum DeadlineResult<Value: Sendable>: Sendable {
    case value(Value)
    case error(any Error)
    case timedOut
}

/// Runs `body` in its own task and returns its result, or `.timedOut` at `deadline` without
/// waiting for it (a hard timeout: a function that ignores cancellation cannot hold the run
/// open). Cancelling the caller cancels `body`. The deadline is watched by `watch` (shared by
/// every run of the process), so it fires up to one of its ticks late.
func runWithDeadline<Value: Sendable>(
    _ deadline: ContinuousClock.Instant, watch: DeadlineWatch = .shared,
    _ body: @escaping @Sendable () async throws -> Value
) async -> DeadlineResult<Value> {
    let outcome = OneShot<DeadlineResult<Value>>()
    // Owned here: cancelled with the caller or at the deadline.
    let worker = Task {
        do { outcome.finish(.value(try await body())) } catch { outcome.finish(.error(error)) }
    }
    let watched = watch.add(deadline) { outcome.finish(.timedOut) }
    let result = await withTaskCancellationHandler {
        await outcome.value()
    } onCancel: {
        worker.cancel()
    }
    watch.remove(watched)
    if case .timedOut = result { worker.cancel() }
    return result
}

/// One ticker for every deadline of the process, instead of a sleeping task and a timer per
/// run (which cost about a tenth of the worker's CPU per no-op task). While at least one
/// deadline is registered, a task wakes every `tick` and fires those that have passed; with
/// none, it ends, so an idle worker does not wake up.
final class DeadlineWatch: Sendable {
    /// The process's watch, ticking every 50 ms.
    static let shared = DeadlineWatch(tick: .milliseconds(50))

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }
    private struct State {
        var entries: [Int: Entry] = [:]
        var nextID = 0
        var ticking = false
    }
    private let state = Mutex(State())
    let tick: Duration

    init(tick: Duration) {
        self.tick = tick
    }

    /// Calls `fire` once `deadline` has passed (within a tick), unless removed before.
    /// - Returns: the registration, for ``remove(_:)``.
    func add(_ deadline: ContinuousClock.Instant, fire: @escaping @Sendable () -> Void) -> Int {
        let (id, start) = state.withLock { state -> (Int, Bool) in
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(deadline: deadline, fire: fire)
            defer { state.ticking = true }
            return (id, !state.ticking)
        }
        // Unstructured: the ticker outlives any one run, and ends by itself when none is left.
        if start { Task.detached { await self.tickUntilEmpty() } }
        return id
    }

    /// Forgets a registration (its deadline will not fire).
    func remove(_ id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Registrations not yet fired or removed.
    var count: Int { state.withLock { $0.entries.count } }

    private func tickUntilEmpty() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (due, done) = state.withLock { state -> ([Entry], Bool) in
                let due = state.entries.filter { $0.value.deadline <= now }
                for id in due.keys { state.entries[id] = nil }
                if state.entries.isEmpty { state.ticking = false }
                return (Array(due.values), state.entries.isEmpty)
            }
            for entry in due { entry.fire() }
            if done { return }
        }
    }
}

/// A value set once, from any thread, and awaited once.
final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, Never>)
        case done(Value)
    }
    private let state = Mutex(State.empty)

    /// Sets the value (the first call wins) and resumes the waiter.
    func finish(_ value: Value) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, Never>? in
            switch state {
            case .empty:
                state = .done(value)
                return nil
            case .waiting(let continuation):
                state = .done(value)
                return continuation
            case .done:
                return nil
            }
        }
        waiter?.resume(returning: value)
    }

    /// The value, once set.
    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value? in
                if case .done(let value) = state { return value }
                state = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
