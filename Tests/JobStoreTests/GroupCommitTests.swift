import Synchronization
import Testing
@testable import JobStore

/// GroupCommit: every caller gets its own response, concurrent callers share statements, at
/// most `maxInFlight` statements run at once, and an error reaches every caller of its batch.
struct GroupCommitTests {
    struct Failure: Error {}

    @Test func eachCallerGetsItsOwnResponseAndBatchesForm() async throws {
        let sizes = Mutex<[Int]>([])
        let running = Mutex((now: 0, most: 0))
        let commit = GroupCommit<Int, Int>(maxBatch: 50, maxInFlight: 2) { requests in
            sizes.withLock { $0.append(requests.count) }
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try await Task.sleep(for: .milliseconds(5))
            running.withLock { $0.now -= 1 }
            return requests.map { $0 * 10 }
        }
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for n in 0..<500 { group.addTask { (n, try await commit.submit(n)) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 500)
        #expect(results.allSatisfy { $0.value == $0.key * 10 })
        let batches = sizes.withLock { $0 }
        #expect(batches.reduce(0, +) == 500)
        #expect(batches.allSatisfy { $0 <= 50 })
        #expect(batches.count < 500)
        #expect(running.withLock { $0.most } <= 2)
    }

    @Test func anIdleCallerRunsAloneAtOnce() async throws {
        let commit = GroupCommit<String, String>(maxBatch: 10, maxInFlight: 1) { $0.map { $0 + "!" } }
        #expect(try await commit.submit("a") == "a!")
        #expect(try await commit.submit("b") == "b!")
    }

    @Test func anErrorReachesEveryCallerOfTheBatchAndTheNextBatchRuns() async throws {
        let calls = Mutex(0)
        let commit = GroupCommit<Int, Int>(maxBatch: 100, maxInFlight: 1) { requests in
            let call = calls.withLock { $0 += 1; return $0 }
            try await Task.sleep(for: .milliseconds(5))
            if call == 1 { throw Failure() }
            return requests
        }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<20 { group.addTask { (try? await commit.submit(n)) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.contains(false))
        #expect(try await commit.submit(7) == 7)
    }
}
