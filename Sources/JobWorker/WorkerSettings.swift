import Foundation
import JobConfig

/// What one worker process runs with: the configuration plus command-line overrides.
public struct WorkerSettings: Sendable {
    public var configuration: Configuration
    /// Services to consume; empty: every registered one (`worker.services` narrows it).
    public var services: [String]
    /// Tags whose queues are consumed besides the untagged ones.
    public var tags: [String]
    /// Runs at once.
    public var concurrency: Int
    /// This process's id in `workers` and `task_events`: `<host>-<pid>-<random>`.
    public var workerID: String
    /// Reported in the `workers` row.
    public var version = "0.1.0"

    public init(configuration: Configuration, services: [String]? = nil, tags: [String]? = nil, concurrency: Int? = nil) {
        self.configuration = configuration
        self.services = services ?? configuration.worker.services
        self.tags = tags ?? configuration.worker.tags
        let configured = concurrency ?? configuration.worker.concurrency
        self.concurrency = configured > 0 ? configured : ProcessInfo.processInfo.activeProcessorCount
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        self.workerID = "\(Self.hostName)-\(getpid())-\(suffix)"
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
