import Foundation
import Synchronization

/// A child process started with `posix_spawn`, its standard output and error in a log file.
/// The tests stop it by PID (`signal`, `kill9`) and reap it by polling `waitpid(WNOHANG)`, so no
/// thread of the cooperative pool ever blocks on it.
final class Spawned: Sendable {
    let pid: pid_t
    let name: String
    let logPath: String
    private let status = Mutex<Int32?>(nil)

    /// The directory of the built products: the test bundle sits beside them.
    static let binDirectory: String = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // `swift test` runs `.../debug/JobServerPackageTests.xctest` (a file on Linux).
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent("jobworker").path) {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }()

    /// Starts the built product `executable` with `arguments` and exactly `environment` (plus PATH).
    init(_ executable: String, _ arguments: [String], environment: [String: String], name: String, logDirectory: String) throws {
        self.name = name
        logPath = logDirectory + "/\(name).log"
        let path = Self.binDirectory + "/" + executable
        let env = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var child = pid_t()
        let result = posix_spawn(&child, path, &actions, nil, argv, envp)
        guard result == 0 else { throw ClusterError("posix_spawn \(path): \(String(cString: strerror(result)))") }
        pid = child
    }

    /// Sends `signal` (SIGTERM, SIGKILL, ...) unless the process has been reaped.
    func signal(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }

    /// The exit status (128 + signal when killed), once the process has ended; reaps it.
    var exitStatus: Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            guard reaped == pid else { return nil }
            let signal = raw & 0x7F
            status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            return status
        }
    }

    var hasExited: Bool { exitStatus != nil }

    /// Waits up to `timeout` for the process to end; its exit status, or nil if it still runs.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return exitStatus
    }

    /// SIGKILL and reap: the cleanup path, also after a failed test.
    func stop() async {
        signal(SIGKILL)
        _ = await waitForExit(timeout: .seconds(10))
    }

    /// The log so far (for failure messages and log assertions).
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The last `lines` lines of the log.
    func tail(_ lines: Int = 30) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// A test set-up failure with a message for the person reading the test output.
struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
