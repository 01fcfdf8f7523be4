import Foundation
import JobCore
import Testing

/// The contract's transition table (SPEC section 2), written out cell by cell, checked against
/// the code's table.
@Suite struct TaskTransitionTests {
    /// (from, to, allowed) for every pair of statuses, from the spec's table.
    static let specTable: [(TaskStatus, TaskStatus, Bool)] = {
        let allowed: [TaskStatus: Set<TaskStatus>] = [
            .ready: [.waiting, .cancelled],
            .waiting: [.running, .cancelled],
            .running: [.waiting, .finished, .failed, .cancelled],
            .finished: [.waiting], .failed: [.waiting], .cancelled: [.waiting],
        ]
        return TaskStatus.allCases.flatMap { from in
            TaskStatus.allCases.map { to in (from, to, allowed[from]!.contains(to)) }
        }
    }()

    @Test(arguments: specTable)
    func theCodeAllowsExactlyTheSpecTransitions(from: TaskStatus, to: TaskStatus, allowed: Bool) {
        let viaCode = TaskTransition.allCases.contains { $0.target == to && $0.isAllowed(from: from) }
        #expect(viaCode == allowed, "\(from) → \(to)")
    }

    @Test func externalConsumersReportOnlyForwardTransitions() {
        #expect(TaskTransition.between(.waiting, .running) == .claim)
        #expect(TaskTransition.between(.running, .finished) == .finish)
        #expect(TaskTransition.between(.running, .failed) == .fail)
        #expect(TaskTransition.between(.ready, .running) == nil)
        #expect(TaskTransition.between(.finished, .running) == nil)
        #expect(TaskTransition.between(.waiting, .finished) == nil)
        #expect(TaskTransition.between(.running, .waiting) == nil)
    }

    @Test func startTaskStartsReadyAndRerunsEnded() {
        #expect(TaskRules.startTransition(for: .ready) == .start)
        for status in [TaskStatus.finished, .failed, .cancelled] { #expect(TaskRules.startTransition(for: status) == .rerun) }
        #expect(TaskRules.startTransition(for: .waiting) == nil)
        #expect(TaskRules.startTransition(for: .running) == nil)
    }

    @Test func updateAndDeleteGuards() {
        #expect(!TaskRules.canUpdateCondition(.waiting))
        #expect(!TaskRules.canUpdateCondition(.running))
        #expect(TaskRules.canUpdateCondition(.ready))
        #expect(TaskRules.canUpdateCondition(.failed))
        #expect(!TaskRules.canDelete(.running))
        #expect(TaskRules.canDelete(.waiting))
    }
}

@Suite struct TaskIDTests {
    @Test func freshIdsAreVersion7UUIDsThatSortByCreationTime() throws {
        let echo = try #require(ServiceName("echo"))
        let start = Date(timeIntervalSince1970: 1_795_000_000.5)  // exact in binary
        // Two milliseconds apart (one apart, rounding could put two in the same millisecond).
        let ids = (0..<1_000).map { TaskID(service: echo, now: start.addingTimeInterval(Double($0) / 500)) }
        #expect(ids.map(\.rawValue) == ids.map(\.rawValue).sorted(), "in creation order")
        #expect(Set(ids).count == ids.count)
        let hex = Array(ids[0].rawValue.suffix(32))
        #expect(String(hex.prefix(12)) == String(UInt64(1_795_000_000_500), radix: 16).leftPadded(to: 12))
        #expect(hex[12] == "7", "version 7")
        #expect("89ab".contains(hex[16]), "RFC 9562 variant")
        // Within one millisecond the rest is random.
        let same = (0..<100).map { _ in TaskID(service: echo, now: start) }
        #expect(Set(same).count == 100)
    }

    @Test func freshIdsHaveTheContractShape() throws {
        let id = TaskID(service: try #require(ServiceName("echo")))
        #expect(id.rawValue.hasPrefix("ts_echo_"))
        #expect(id.rawValue.count == "ts_echo_".count + 32)
        #expect(TaskID(id.rawValue) == id)
        #expect(id.service == "echo")
        #expect(TaskID(service: ServiceName("echo")!) != id)
    }

    @Test(arguments: [
        "", "ts_", "ts_echo_", "ts_echo_0123456789abcdef0123456789abcde",  // 31 hex
        "ts_echo_0123456789ABCDEF0123456789abcdef", "tx_echo_0123456789abcdef0123456789abcdef",
        "ts_Echo_0123456789abcdef0123456789abcdef", "ts__0123456789abcdef0123456789abcdef",
        "ts_echo-0123456789abcdef0123456789abcdef", "ts_echo_0123456789abcdef0123456789abcdeg",
        "'; DROP TABLE tasks; --",
    ])
    func malformedIdsAreRejected(text: String) {
        #expect(TaskID(text) == nil)
    }

    @Test func servicesWithUnderscoresAndDigits() {
        let text = "ts_image_resize2_0123456789abcdef0123456789abcdef"
        #expect(TaskID(text)?.service == "image_resize2")
    }
}

@Suite struct NameTests {
    @Test func serviceNames() {
        for good in ["a", "echo", "image_resize_2", String(repeating: "a", count: 63)] { #expect(ServiceName.isValid(good), "\(good)") }
        for bad in ["", "Echo", "1abc", "_a", "a-b", "a.b", "é", String(repeating: "a", count: 64)] { #expect(!ServiceName.isValid(bad), "\(bad)") }
    }

    @Test func tags() {
        for good in ["gpu", "A-1.b_2", String(repeating: "x", count: 64)] { #expect(TaskTag.isValid(good)) }
        for bad in ["", "a b", "a/b", "ü", String(repeating: "x", count: 65)] { #expect(!TaskTag.isValid(bad)) }
    }
}

@Suite struct RetryPolicyTests {
    @Test func delaysGrowExponentiallyWithinJitterAndCap() {
        let policy = RetryPolicy(maxAttempts: 5, base: 1, maximum: 10)
        #expect(policy.delay(afterAttempt: 1, random: 0) == 0.5)
        #expect(policy.delay(afterAttempt: 1, random: 1) == 1)
        #expect(policy.delay(afterAttempt: 3, random: 0) == 2)
        #expect(policy.delay(afterAttempt: 3, random: 1) == 4)
        #expect(policy.delay(afterAttempt: 10, random: 1) == 10)
        #expect(policy.delay(afterAttempt: 1000, random: 0.5) == 7.5)
    }

    @Test func attemptsAreCounted() {
        let policy = RetryPolicy(maxAttempts: 3, base: 1, maximum: 10)
        #expect(policy.allowsRetry(afterAttempt: 2))
        #expect(!policy.allowsRetry(afterAttempt: 3))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
