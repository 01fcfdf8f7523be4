import JobWorker

/// The demo services shipped in `jobworker`: `echo` returns its condition (exactly), `sleep`
/// sleeps `{seconds}` reporting progress and honouring cancellation, `fail` always throws
/// `{message}`.
enum DemoServices {
    struct SleepInput: Decodable, Sendable { var seconds: Double }
    struct SleepOutput: Encodable, Sendable { var slept: Double }
    struct FailInput: Decodable, Sendable { var message: String? }
    struct DemoFailure: Error, CustomStringConvertible { var description: String }

    static func register(into registry: inout TaskRegistry) throws {
        try registry.registerJSON("echo") { condition, _ in condition }
        try registry.register("sleep", input: SleepInput.self) { input, context in
            let steps = max(1, min(Int(input.seconds * 4), 1_000))
            for step in 1...steps {
                try await Task.sleep(for: .seconds(input.seconds / Double(steps)))
                await context.progress(Double(step) / Double(steps), "slept \(step) of \(steps) steps")
            }
            return SleepOutput(slept: input.seconds)
        }
        try registry.register("fail", input: FailInput.self) { input, _ -> SleepOutput in
            throw DemoFailure(description: input.message ?? "failed on purpose")
        }
    }
}
