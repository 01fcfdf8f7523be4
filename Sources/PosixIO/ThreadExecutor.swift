import Foundation
import Synchronization

/// A serial executor backed by one dedicated OS thread.
///
/// Blocking C calls (libpq, librabbitmq) must never run on Swift's cooperative thread pool: it
/// has one thread per core (two here), so one blocked call stalls half of the async runtime. An
/// actor that owns a C handle returns this executor as its `unownedExecutor`, and every one of its
/// methods then runs on this thread, where blocking is harmless.
///
/// ```swift
/// actor Connection {
///     let executor = ThreadExecutor(name: "pg-1")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
///
/// The thread lives until `shutdown()` is called; it drains the jobs already queued, then exits.
/// Nothing may be enqueued after `shutdown()`.
public final class ThreadExecutor: SerialExecutor, TaskExecutor, Sendable {
    private struct State {
        var jobs: [UnownedJob] = []
        var stopping = false
    }

    // NSCondition guards `state`: unchecked because NSCondition is not Sendable on Linux, but it
    // is a lock, and `state` is only touched while holding it.
    private let condition = NSCondition()
    private nonisolated(unsafe) var state = State()
    /// The thread's name, for logs and debuggers.
    public let name: String

    /// Starts a new thread named `name` that runs the jobs enqueued on this executor, in order.
    public init(name: String) {
        self.name = name
        NamedThread.start(name: name) { [self] in self.runLoop() }
    }

    /// Enqueues a job; it runs on this executor's thread after the jobs before it.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        state.jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread exit once the jobs already queued have run.
    public func shutdown() {
        condition.lock()
        state.stopping = true
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while state.jobs.isEmpty && !state.stopping { condition.wait() }
            if state.jobs.isEmpty && state.stopping {
                condition.unlock()
                return
            }
            swap(&batch, &state.jobs)
            condition.unlock()
            for job in batch {
                job.runSynchronously(
                    isolatedTo: asUnownedSerialExecutor(),
                    taskExecutor: asUnownedTaskExecutor())
            }
            batch.removeAll(keepingCapacity: true)
        }
    }
}

extension ThreadExecutor {
    /// Runs a blocking closure on this executor's thread and returns its result.
    ///
    /// For work that is not an actor method: `try await executor.run { blockingCall() }`.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            runDetached { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `body` on this executor's thread without waiting for it.
    public func runDetached(_ body: @escaping @Sendable () -> Void) {
        // A plain closure queued as a job: a Task would need an async context; this does not.
        Task(executorPreference: self) { body() }
    }
}
