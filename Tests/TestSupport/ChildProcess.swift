import Foundation
import PosixIO

/// Runs a child process with `posix_spawn` and waits for it with `waitpid` on a dedicated thread.
///
/// Foundation's `Process` left the child a zombie here (its termination handler never ran), and
/// a blocking `waitpid` must not run on the cooperative pool.
public enum ChildProcess {
    /// Runs `path` with `arguments` (stdout discarded, stderr inherited) and returns its exit
    /// status (128 + signal number when killed by a signal).
    public static func run(_ path: String, _ arguments: [String]) async throws -> Int32 {
        let executor = ThreadExecutor(name: "child-process")
        defer { executor.shutdown() }
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        return try await executor.run {
            let argv = ([path] + arguments).map { strdup($0) } + [nil]
            let envp = environment.map { strdup($0) } + [nil]
            defer { (argv + envp).forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            var pid = pid_t()
            let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
            guard spawned == 0 else {
                throw TestPostgres.FixtureError(
                    description: "posix_spawn \(path) failed: \(String(cString: strerror(spawned)))")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 {
                guard errno == EINTR else {
                    throw TestPostgres.FixtureError(description: "waitpid failed: errno \(errno)")
                }
            }
            let signal = status & 0x7F
            return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        }
    }
}
