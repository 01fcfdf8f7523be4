import Synchronization

/// What became of a run raced against its deadline.
enum DeadlineResult<Value: Sendable>: Sendable {
    case value(Value)
    case error(any Error)
    case timedOut
}

/// Runs `body` in its own task and returns its result, or `.timedOut` at `deadline` without
/// waiting for it (a hard timeout: a function that ignores cancellation cannot hold the run
/// open). Cancelling the caller cancels `body`.
func runWithDeadline<Value: Sendable>(
    _ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> Value
) async -> DeadlineResult<Value> {
    let outcome = OneShot<DeadlineResult<Value>>()
    // Both tasks are owned here: `worker` is cancelled with the caller or at the deadline,
    // `timer` as soon as there is a result.
    let worker = Task {
        do { outcome.finish(.value(try await body())) } catch { outcome.finish(.error(error)) }
    }
    let timer = Task {
        try? await Task.sleep(until: deadline, clock: .continuous)
        if !Task.isCancelled { outcome.finish(.timedOut) }
    }
    let result = await withTaskCancellationHandler {
        await outcome.value()
    } onCancel: {
        worker.cancel()
    }
    timer.cancel()
    if case .timedOut = result { worker.cancel() }
    return result
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
