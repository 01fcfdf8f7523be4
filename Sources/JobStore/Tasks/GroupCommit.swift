import Synchronization

/// Group commit: callers submit one request each (of any kind the `execute` closure writes in
/// one statement); while fewer than `maxInFlight` batches run, a caller runs at once a batch of
/// its own request plus up to `maxBatch - 1` waiting ones; otherwise it waits, and the next
/// batch to end hands the turn to the oldest waiter. No timer: an idle store runs each request alone, without delay, and a
/// busy one folds the requests that arrive during a round trip into the next statement.
final class GroupCommit<Request: Sendable, Response: Sendable>: Sendable {
    typealias Execute = @Sendable ([Request]) async throws -> [Response]

    private enum Turn: Sendable {
        case lead
        case done(Result<Response, any Error>)
    }
    private struct Waiter: Sendable {
        let request: Request
        let continuation: CheckedContinuation<Turn, Never>
    }
    private struct State: Sendable {
        var waiters: [Waiter] = []
        var inFlight = 0
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let maxInFlight: Int
    private let execute: Execute

    /// - Parameter execute: runs the requests as one statement; returns one response per
    ///   request, in order. What it throws is thrown to every caller of the batch.
    init(maxBatch: Int, maxInFlight: Int, execute: @escaping Execute) {
        self.maxBatch = max(1, maxBatch)
        self.maxInFlight = max(1, maxInFlight)
        self.execute = execute
    }

    func submit(_ request: Request) async throws -> Response {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let lead = state.withLock { state -> Bool in
                guard state.inFlight < maxInFlight else {
                    state.waiters.append(Waiter(request: request, continuation: continuation))
                    return false
                }
                state.inFlight += 1
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        if case .done(let result) = turn { return try result.get() }

        let others = state.withLock { state -> [Waiter] in
            let count = min(maxBatch - 1, state.waiters.count)
            defer { state.waiters.removeFirst(count) }
            return Array(state.waiters.prefix(count))
        }
        let result: Result<[Response], any Error>
        do {
            let responses = try await execute([request] + others.map(\.request))
            precondition(responses.count == others.count + 1, "GroupCommit: one response per request")
            result = .success(responses)
        } catch {
            result = .failure(error)
        }
        // Our slot goes to the oldest waiter (it leads the next batch), or is given back.
        let next = state.withLock { state -> Waiter? in
            guard !state.waiters.isEmpty else {
                state.inFlight -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        for (index, waiter) in others.enumerated() {
            waiter.continuation.resume(returning: .done(result.map { $0[index + 1] }))
        }
        return try result.get()[0]
    }
}
