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
        // Polled, not slept: on a loaded machine the ticker may run late. "removed" was due in
        // the same tick as "soon", so it would have fired with it.
        try await Self.waitUntil { fired.withLock { $0.count } >= 1 }
        #expect(fired.withLock { $0 } == ["soon"])
        #expect(watch.count == 1)
        watch.remove(late)  // and its ticker ends at the next tick
        // A watch whose ticker ended (nothing left) starts again on the next registration.
        let idle = DeadlineWatch(tick: .milliseconds(10))
        _ = idle.add(.now) { fired.withLock { $0.append("first") } }
        try await Self.waitUntil { idle.count == 0 }
        try await Task.sleep(for: .milliseconds(100))  // a few ticks: the ticker ends
        _ = idle.add(.now + .milliseconds(20)) { fired.withLock { $0.append("second") } }
        try await Self.waitUntil { fired.withLock { $0.count } >= 3 }
        #expect(fired.withLock { $0 } == ["soon", "first", "second"])
        #expect(idle.count == 0)
    }

    /// Polls `condition` every 10 ms for up to 30 s.
    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }
}
