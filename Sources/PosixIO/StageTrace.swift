import Glibc

/// Wall-clock timestamps of tasks passing the stages of the path create → running, for
/// latency breakdowns (`scripts/bench-latency.sh`). Off unless the environment variable
/// `JOBS_STAGE_TRACE` names a file when the process starts: then each ``mark(_:_:)`` appends
/// one line per task, `<stage> <task id> <microseconds since the epoch>`. Off, a mark costs a
/// check of a constant initialized once, and the ids are not even built.
///
/// The clock is `CLOCK_REALTIME`, so that marks of the server, the worker and PostgreSQL's
/// `created_at` / `started_at` on one machine line up.
public enum StageTrace {
    /// The file named by `JOBS_STAGE_TRACE`, opened once; nil when tracing is off.
    private static let file: StageTraceFile? = getenv("JOBS_STAGE_TRACE").flatMap { StageTraceFile(path: String(cString: $0)) }

    /// True when `JOBS_STAGE_TRACE` named a file that could be opened.
    public static var isEnabled: Bool { file != nil }

    /// The tasks of the statement a task is about to run, for the marks a layer without task
    /// ids makes (the PostgreSQL connection marks `<stage>.begin` / `.end` around the statement).
    @TaskLocal public static var tasks: [String]? = nil

    /// Appends `stage` for every id of `ids`, at the current time (`ids` is not evaluated when
    /// tracing is off).
    public static func mark(_ stage: String, _ ids: @autoclosure () -> [String]) {
        guard let file else { return }
        file.write(stage: stage, ids: ids(), microseconds: nowMicroseconds())
    }

    /// Runs `operation` with `ids` bound to ``tasks`` when tracing is on; off, runs it alone
    /// (`ids` is not evaluated).
    public static func withTasks<T>(
        _ ids: @autoclosure () -> [String], isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws -> T
    ) async rethrows -> T {
        guard file != nil else { return try await operation() }
        return try await $tasks.withValue(ids(), operation: operation, isolation: isolation)
    }

    /// Appends `stage` for the ids bound to ``tasks`` (nothing when unbound).
    public static func markTasks(_ stage: String) {
        guard let file, let ids = tasks else { return }
        file.write(stage: stage, ids: ids, microseconds: nowMicroseconds())
    }

    static func nowMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}

/// An append-only file of stage marks: one `write(2)` per call, so lines of concurrent callers
/// (and processes) never interleave.
public final class StageTraceFile: Sendable {
    private let descriptor: Int32

    /// Opens (creates) `path` for appending; nil when it cannot be opened.
    public init?(path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Appends `<stage> <id> <microseconds>` for every id.
    public func write(stage: String, ids: [String], microseconds: Int64) {
        guard !ids.isEmpty else { return }
        var text = ""
        text.reserveCapacity(ids.count * (stage.utf8.count + 56))
        for id in ids {
            text += stage
            text += " "
            text += id
            text += " "
            text += String(microseconds)
            text += "\n"
        }
        _ = text.withUTF8 { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}
