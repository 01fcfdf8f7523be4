import Foundation
import Synchronization

/// The private RabbitMQ broker of the test run (started by `scripts/services.sh start`).
///
/// The URL comes from `JOBS_TEST_AMQP_URL` in the environment, else from `.local/services.env`
/// at the package root. Without either, ``url()`` throws with a message saying how to start the
/// broker: AMQP tests fail, they never skip silently.
public enum TestRabbitMQ {
    /// A fixture failure with a message for the person running the tests.
    public struct FixtureError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The package root, found from this file's path (Tests/TestSupport/TestRabbitMQ.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The broker URL (`amqp://guest:guest@127.0.0.1:PORT/`).
    public static func url() throws -> String {
        if let url = ProcessInfo.processInfo.environment["JOBS_TEST_AMQP_URL"], !url.isEmpty { return url }
        let file = packageRoot.appendingPathComponent(".local/services.env")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw FixtureError(description: """
                JOBS_TEST_AMQP_URL is not set and \(file.path) does not exist: \
                start the private broker with `scripts/services.sh start` first
                """)
        }
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("JOBS_TEST_AMQP_URL=") {
            var value = line.dropFirst("JOBS_TEST_AMQP_URL=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            if !value.isEmpty { return String(value) }
        }
        throw FixtureError(description: "\(file.path) has no JOBS_TEST_AMQP_URL line: rerun `scripts/services.sh start`")
    }

    private static let counter = Atomic<Int>(0)
    private static let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    /// A name no other test (in this run or an earlier one) uses: `test.<prefix>.<run>.<n>`.
    public static func uniqueName(_ prefix: String = "q") -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        return "test.\(prefix).\(ProcessInfo.processInfo.processIdentifier).\(runID).\(n)"
    }

    /// Stops the broker (by PID) and returns once it is down.
    public static func stopBroker() async throws { try await services(["stop-rabbitmq"]) }

    /// Starts the broker again on the same port and returns once it answers.
    public static func startBroker() async throws { try await services(["start-rabbitmq"]) }

    /// Runs `rabbitmqctl` against the private node; returns its output.
    @discardableResult
    public static func rabbitmqctl(_ arguments: [String]) async throws -> String {
        try await services(["rabbitmqctl"] + arguments)
    }

    /// `scripts/services.sh` (or `JOBS_TEST_SERVICES_SCRIPT`) with `arguments`; throws on a
    /// non-zero exit with the script's output. Output goes to a file, not a pipe: a broker
    /// started in the background inherits it and would hold a pipe open forever. The script is
    /// spawned with `posix_spawn` and reaped with `waitpid` on a thread of its own, so no
    /// cooperative thread blocks.
    @discardableResult
    static func services(_ arguments: [String]) async throws -> String {
        let script = ProcessInfo.processInfo.environment["JOBS_TEST_SERVICES_SCRIPT"]
            ?? packageRoot.appendingPathComponent("scripts/services.sh").path
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("jobs-services-\(UUID().uuidString).log").path
        defer { unlink(log) }
        let root = packageRoot.path
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try spawnAndWait(["/bin/bash", script] + arguments, output: log, directory: root) })
            }
            thread.name = "services.sh"
            thread.start()
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw FixtureError(description: "\(script) \(arguments.joined(separator: " ")) exited \(status): \(text)")
        }
        return text
    }

    /// Spawns `argv` with stdin from /dev/null and stdout/stderr to `output`; returns the exit status.
    private static func spawnAndWait(_ argv: [String], output: String, directory: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let command = "cd \"$1\" && shift && exec \"$@\""
        let full = ["/bin/sh", "-c", command, "sh", directory] + argv
        var cArgs: [UnsafeMutablePointer<CChar>?] = full.map { strdup($0) } + [nil]
        defer { for pointer in cArgs { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw FixtureError(description: "posix_spawn \(argv[1]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw FixtureError(description: "waitpid: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS are macros: exit code in bits 8-15 when the low 7 bits are 0.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

extension TestRabbitMQ {
    /// Runs `body` while no test restarts a server (many such bodies run at once). All test
    /// targets share one process, so every test that talks to the broker should use this.
    public static func withBroker<T>(_ body: () async throws -> T) async throws -> T {
        try await ServerAccess.with(exclusive: false, body)
    }

    /// Runs `body` alone: for tests that stop and start the broker.
    public static func withExclusiveBroker<T>(_ body: () async throws -> T) async throws -> T {
        try await ServerAccess.with(exclusive: true, body)
    }
}
