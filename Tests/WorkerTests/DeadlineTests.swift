import Synchronization
import Testing

@testable import JobWorker

/// The hard timeout of a run (`runWithDeadline`) and the process-wide deadline watch behind it,
/// in process (no servers): a run past its deadline is abandoned, one that ends first is not,
/// and the watch forgets every registration and stops ticking.
@Suite struct DeadlineTests {
    @Test func aRunPastItsDeadlineTimesOutWithoutWaitingForIt() async {
        let watch = DeadlineWatch(tick: .milliseconds(10))
        let started = ContinuousClock.now
        let cancelled = Mutex(false)
        let result = await runWithDeadline(.now + .milliseconds(100), watch: watch) { () async throws -> Int in
            // Ignores cancellation for a while: the timeout must not wait for it.
            await withTaskCancellationHandler {
                try? await Task.sleep(for: .seconds(60))
            } onCancel: {
                cancelled.withLock { $0 = true }
            }
            return 1
        }
        guard case .timedOut = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(cancelled.withLock { $0 }, "the run is cancelled at its deadline")
        #expect(watch.count == 0)
    }

    @Test func aRunThatEndsFirstKeepsItsValueOrError() async {
        let watch = DeadlineWatch(tick: .milliseconds(10))
        let value = await runWithDeadline(.now + .seconds(60), watch: watch) { 42 }
        guard case .value(42) = value else {
            Issue.record("expected 42, got \(value)")
            return
        }
        struct Boom: Error {}
        let error = await runWithDeadline(.now + .seconds(60), watch: watch) { () async throws -> Int in throw Boom() }
        guard case .error(let thrown) = error, thrown is Boom else {
            Issue.record("expected Boom, got \(error)")
            return
        }
        #expect(watch.count == 0, "finished runs leave nothing registered")
    }

    @Test func theWatchFiresOnlyDueRegistrationsAndRestartsAfterGoingIdle() async throws {
        let watch = DeadlineWatch(tick: .milliseconds(10))
        let fired = Mutex<[String]>([])
        _ = watch.add(.now + .milliseconds(30)) { fired.withLock { $0.append("soon") } }
        let removed = watch.add(.now + .milliseconds(30)) { fired.withLock { $0.append("removed") } }
        let late = watch.add(.now + .seconds(600)) { fired.withLock { $0.append("late") } }
        watch.remove(removed)
        try await Task.sleep(for: .milliseconds(300))
        #expect(fired.withLock { $0 } == ["soon"])
        #expect(watch.count == 1)
        watch.remove(late)  // and its ticker ends at the next tick
        // A watch whose ticker ended (nothing left) starts again on the next registration.
        let idle = DeadlineWatch(tick: .milliseconds(10))
        _ = idle.add(.now) { fired.withLock { $0.append("first") } }
        try await Task.sleep(for: .milliseconds(200))
        _ = idle.add(.now + .milliseconds(20)) { fired.withLock { $0.append("second") } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(fired.withLock { $0 } == ["soon", "first", "second"])
        #expect(idle.count == 0)
    }
}
