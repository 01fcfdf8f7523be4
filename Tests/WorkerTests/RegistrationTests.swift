import Foundation
import JobConfig
import JobWorker
import Testing

/// Registration mistakes fail at start-up; `run-local` runs one function without broker or
/// database.
@Suite struct RegistrationTests {
    struct Input: Codable, Sendable { var x: Int }

    @Test(arguments: ["", "Echo", "9lives", "has-dash", "x" + String(repeating: "y", count: 63), "ts_echo "])
    func invalidNamesThrow(_ name: String) {
        var registry = TaskRegistry()
        #expect(throws: RegistrationError.invalidName(name)) {
            try registry.register(name, input: Input.self) { input, _ in input }
        }
        #expect(throws: RegistrationError.invalidName(name)) { try registry.registerJSON(name) { json, _ in json } }
        #expect(registry.services.isEmpty)
    }

    @Test func duplicatesThrowWhicheverWayTheyAreRegistered() throws {
        var registry = TaskRegistry()
        try registry.register("resize", input: Input.self) { input, _ in input }
        #expect(throws: RegistrationError.duplicate("resize")) {
            try registry.register("resize", input: Input.self) { input, _ in input }
        }
        #expect(throws: RegistrationError.duplicate("resize")) { try registry.registerJSON("resize") { json, _ in json } }
        #expect(registry.services == ["resize"])
    }

    @Test func badOptionsThrow() {
        var registry = TaskRegistry()
        #expect(throws: RegistrationError.self) {
            try registry.register("resize", input: Input.self, options: TaskOptions(maxAttempts: 0)) { input, _ in input }
        }
    }

    @Test func askingForAServiceThatIsNotRegisteredFailsAtStartUp() throws {
        var registry = TaskRegistry()
        try registry.register("resize", input: Input.self) { input, _ in input }
        let settings = WorkerSettings(configuration: Configuration(), services: ["resize", "thumbnail"])
        let worker = WorkerService(registry: registry, settings: settings, logger: .init(label: "test"))
        #expect(throws: WorkerError.self) { try worker.consumedServices() }
    }

    @Test func runLocalPrintsTheResultWithoutBrokerOrDatabase() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlocal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // No database or broker URL that answers: run-local must not need them.
        let environment = ["JOBS_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "JOBS_AMQP_URL": "amqp://127.0.0.1:1/"]
        func runLocal(_ arguments: [String], _ name: String) async throws -> (Int32?, String) {
            let process = try Spawned("jobworker", ["run-local"] + arguments, environment: environment, name: name, logDirectory: dir)
            let status = await process.waitForExit(timeout: .seconds(30))
            await process.stop()
            return (status, process.log)
        }
        let echo = try await runLocal(["echo", #"{"n":1.000000000000000000001,"s":"x"}"#], "echo")
        #expect(echo.0 == 0)
        #expect(echo.1.hasSuffix("{\"n\":1.000000000000000000001,\"s\":\"x\"}\n"), "\(echo.1)")
        let sleep = try await runLocal(["sleep", #"{"seconds":0.2}"#], "sleep")
        #expect(sleep.0 == 0)
        #expect(sleep.1.contains("progress 1.0"))
        #expect(sleep.1.hasSuffix("{\"slept\":0.2}\n"), "\(sleep.1)")
        let fail = try await runLocal(["fail", #"{"message":"no luck"}"#], "fail")
        #expect(fail.0 == 1)
        #expect(fail.1.contains("no luck"))
        let unknown = try await runLocal(["resize", "{}"], "unknown")
        #expect(unknown.0 != 0)
        #expect(unknown.1.contains("not registered"))
    }
}
