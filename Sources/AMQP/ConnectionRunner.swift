import CRabbitMQ
import Foundation
import Synchronization

/// The thread-safe side of one connection: a queue of commands for the owner thread, the
/// eventfd that wakes it, and the state other threads may read (blocked, terminated).
///
/// The owner thread (``ConnectionCore/run(runner:configuration:logger:connected:)``) is the only
/// one that touches librabbitmq; everyone else submits a closure that receives the core there.
///
/// It is also a `TaskExecutor`: a task that prefers it runs its jobs on the owner thread
/// between frames, so a publish loop resumes right where the confirms are read, without two
/// thread hand-offs per call. Once the connection has ended, jobs go to the global executor.
final class ConnectionRunner: TaskExecutor, Sendable {
    /// Work for the owner thread, and how to fail it if the connection is gone.
    struct Command: Sendable {
        let run: @Sendable (ConnectionCore) -> Void
        let fail: @Sendable (AMQPError) -> Void
    }

    /// A command for the core, or a job of a task that prefers this executor.
    enum Work: Sendable {
        case command(Command)
        case job(UnownedJob)
    }

    private struct State {
        var commands: [Work] = []
        var wakePending = false
        var terminated: AMQPError?
        var blockedReason: String?
        var unblockWaiters: [CheckedContinuation<Void, Never>] = []
        var closeWaiters: [CheckedContinuation<AMQPError, Never>] = []
    }

    private let state = Mutex(State())
    /// Written to wake the owner thread from `poll`; closed in `deinit` only.
    let wakeFD: Int32
    /// "host:port" for errors.
    let endpoint: String

    init(endpoint: String) throws(AMQPError) {
        let fd = camqp_eventfd()
        guard fd >= 0 else {
            throw .library(status: errno, message: String(cString: strerror(errno)), call: "eventfd")
        }
        wakeFD = fd
        self.endpoint = endpoint
    }

    deinit { close(wakeFD) }

    /// Queues a command for the owner thread, or fails it at once if the connection ended.
    func submit(_ command: Command) {
        let (error, wake) = state.withLock { state -> (AMQPError?, Bool) in
            if let error = state.terminated { return (error, false) }
            state.commands.append(.command(command))
            defer { state.wakePending = true }
            return (nil, !state.wakePending)
        }
        if let error { command.fail(error) }
        if wake {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)  // EAGAIN only when the counter is saturated: still readable
        }
    }

    /// Queues a job of a task that prefers this executor; after the end, the global executor runs it.
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
            if state.terminated != nil { return (false, false) }
            state.commands.append(.job(unowned))
            defer { state.wakePending = true }
            return (true, !state.wakePending)
        }
        if !accepted { globalConcurrentExecutor.enqueue(ExecutorJob(unowned)) }
        if wake {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Runs `body` on the owner thread and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (ConnectionCore) throws(AMQPError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            submit(Command(
                run: { core in
                    do throws(AMQPError) { continuation.resume(returning: try body(core)) }
                    catch { continuation.resume(throwing: error) }
                },
                fail: { continuation.resume(throwing: $0) }))
        }
    }

    /// The queued commands, taken by the owner thread.
    func takeCommands() -> [Work] {
        state.withLock { state in
            state.wakePending = false
            return state.commands.isEmpty ? [] : { defer { state.commands = [] }; return state.commands }()
        }
    }

    /// True when commands are waiting.
    var hasCommands: Bool { state.withLock { !$0.commands.isEmpty } }

    /// Clears the eventfd counter after `poll` reported it readable.
    func drainWake() {
        var value: UInt64 = 0
        _ = read(wakeFD, &value, 8)
    }

    /// Marks the connection ended; later and still-queued commands fail with `error`.
    func terminate(_ error: AMQPError) {
        let (commands, unblock, close) = state.withLock { state in
            state.terminated = state.terminated ?? error
            state.blockedReason = nil
            defer { state.commands = []; state.unblockWaiters = []; state.closeWaiters = [] }
            return (state.commands, state.unblockWaiters, state.closeWaiters)
        }
        for work in commands {
            switch work {
            case .command(let command): command.fail(error)
            case .job(let job): globalConcurrentExecutor.enqueue(ExecutorJob(job))
            }
        }
        for waiter in unblock { waiter.resume() }
        for waiter in close { waiter.resume(returning: error) }
    }

    /// The error that ended the connection, nil while it is open.
    var terminationError: AMQPError? { state.withLock { $0.terminated } }

    /// Waits until the connection ends; returns why.
    func waitUntilTerminated() async -> AMQPError {
        await withCheckedContinuation { continuation in
            let error = state.withLock { state -> AMQPError? in
                if let error = state.terminated { return error }
                state.closeWaiters.append(continuation)
                return nil
            }
            if let error { continuation.resume(returning: error) }
        }
    }

    /// The broker's reason while it blocks publishers (`connection.blocked`), else nil.
    var blockedReason: String? { state.withLock { $0.blockedReason } }

    /// Records `connection.blocked` (reason) or `connection.unblocked` (nil).
    func setBlocked(_ reason: String?) {
        let waiters = state.withLock { state in
            state.blockedReason = reason
            defer { if reason == nil { state.unblockWaiters = [] } }
            return reason == nil ? state.unblockWaiters : []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the broker no longer blocks the connection (or it ended).
    func waitUntilUnblocked() async {
        await withCheckedContinuation { continuation in
            let blocked = state.withLock { state -> Bool in
                guard state.blockedReason != nil, state.terminated == nil else { return false }
                state.unblockWaiters.append(continuation)
                return true
            }
            if !blocked { continuation.resume() }
        }
    }
}
