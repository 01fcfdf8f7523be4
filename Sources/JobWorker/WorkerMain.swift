import ArgumentParser
import Foundation
import JobConfig
import Logging
import ServiceLifecycle

/// The command line of a worker executable, so that one is a few lines:
///
/// ```swift
/// @main struct MyWorker {
///     static func main() async {
///         var registry = TaskRegistry()
///         try! registry.register("resize", input: Resize.self) { input, context in ... }
///         await WorkerMain.run(registry)
///     }
/// }
/// ```
///
/// It gives the executable `run [--services a,b] [--tags t1,t2] [--concurrency N]` and
/// `run-local SERVICE 'JSON'`, each with `--config FILE` and `--help`.
public enum WorkerMain {
    @TaskLocal static var registry = TaskRegistry()

    /// Parses the process's arguments and runs the chosen subcommand; exits on error.
    public static func run(_ registry: TaskRegistry, name: String = "jobworker") async {
        await $registry.withValue(registry) {
            do {
                var command = try WorkerRootCommand.parseAsRoot()
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch {
                WorkerRootCommand.exit(withError: error)
            }
        }
    }
}

struct WorkerRootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobworker",
        abstract: "The JobServer worker daemon: runs the task functions registered in this executable.",
        subcommands: [RunCommand.self, RunLocalCommand.self])
}

/// `run`: consume and run tasks until SIGTERM / SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Consume the queues of the registered services and run their tasks.",
        discussion: "SIGTERM stops consuming, lets running tasks finish within worker.shutdown_grace, requeues the rest and exits 0. Under systemd Type=notify it reports READY, STOPPING and WATCHDOG.")

    @Option(name: .long, help: "Configuration file (default: $JOBS_CONFIG, else conf/jobserver.yaml).")
    var config: String?
    @Option(name: .long, help: "Services to run, comma-separated (default: worker.services, else every registered one).")
    var services: String?
    @Option(name: .long, help: "Tags whose tasks this worker also runs, comma-separated (default: worker.tags).")
    var tags: String?
    @Option(name: .long, help: "Tasks run at once (default: worker.concurrency, else one per CPU core).")
    var concurrency: Int?

    func run() async throws {
        let configuration: Configuration
        do { configuration = try Configuration.load(file: config) } catch { throw ValidationError(error.description) }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        let split: (String?) -> [String]? = { $0?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: configuration.server.logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "jobworker")
        let settings = WorkerSettings(configuration: configuration, services: split(services), tags: split(tags), concurrency: concurrency)
        let worker = WorkerService(registry: WorkerMain.registry, settings: settings, logger: logger)
        do { _ = try worker.consumedServices() } catch { throw ValidationError("\(error)") }
        // The worker also returns on its own (a `stop` command): that is a clean exit, not a failure.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// `run-local SERVICE 'JSON'`: one run in this process, no broker, no database.
struct RunLocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-local",
        abstract: "Run one task function in this process, without broker or database, and print its result.",
        discussion: "Progress goes to standard error; the result JSON to standard output. Exit status 1 if the function fails.")

    @Argument(help: "The service whose function to run.")
    var service: String
    @Argument(help: "The task's condition, a JSON object.")
    var condition: String
    @Option(name: .long, help: "Seconds before the run times out.")
    var timeout: Double = 3600

    func run() async throws {
        guard let entry = WorkerMain.registry.entry(service) else {
            throw ValidationError("service \(service) is not registered (registered: \(WorkerMain.registry.services.joined(separator: ", ")))")
        }
        let context = TaskContext(
            taskID: "local", attempt: 1, service: service, logger: Logger(label: "jobworker.local"),
            deadline: .now + .seconds(timeout)) { fraction, message in
                FileHandle.standardError.write(Data("progress \(fraction)\(message.map { " \($0)" } ?? "")\n".utf8))
            }
        let input = Array(condition.utf8)
        switch await runWithDeadline(context.deadline, { try await entry.run(input, context) }) {
        case .value(let json): print(json)
        case .timedOut: throw LocalRunFailure("timeout")
        case .error(let error): throw LocalRunFailure("\(error)")
        }
    }
}

struct LocalRunFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = "task failed: \(description)" }
}
