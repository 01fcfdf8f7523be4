import Foundation
import JobCore
import JobStore
import Logging
import Postgres
import Synchronization
import TestSupport

/// A whole JobServer installation for one test: a fresh migrated database, a key file, three
/// users (admin `root`, user `alice`, consumer `feeder`), an exchange of its own (so queues
/// `<exchange>.<service>` collide with no other test), `jobserver serve` as a real process on a
/// free port, and as many `jobworker run` processes as the test starts. Every process is killed
/// by PID when the body ends, also when it throws.
final class Cluster: Sendable {
    /// At most two clusters at once: each runs a server and workers, and this machine has 2 cores.
    static let slots = TestSlots(2)

    /// Short lease and heartbeat so that rescues and control commands happen within seconds.
    struct Settings: Sendable {
        var leaseSeconds = 3.0
        var heartbeatSeconds = 1.0
        var shutdownGrace = 10.0
        /// Runs alone on the broker (for a test that changes the broker's settings).
        var exclusiveBroker = false
    }

    static let packageRoot = TestPostgres.packageRoot.path
    static let logger: Logger = {
        var logger = Logger(label: "tests.worker")
        logger.logLevel = .critical
        return logger
    }()

    let settings: Settings
    let database: TestPostgres.Database
    let pool: PostgresPool
    let exchange: String
    let directory: String
    let port: Int
    let environment: [String: String]
    /// Secrets of `root` (admin), `alice` (user) and `feeder` (consumer).
    let secrets: [String: String]
    private let processes = Mutex<[Spawned]>([])
    private let workerCount = Atomic<Int>(0)

    private init(settings: Settings, database: TestPostgres.Database, pool: PostgresPool, directory: String,
                 environment: [String: String], port: Int, exchange: String, secrets: [String: String]) {
        self.settings = settings
        self.database = database
        self.pool = pool
        self.directory = directory
        self.environment = environment
        self.port = port
        self.exchange = exchange
        self.secrets = secrets
    }

    /// Runs `body` against a fresh installation with the server started; stops every process after.
    static func with(_ settings: Settings = Settings(), _ body: (Cluster) async throws -> Void) async throws {
        await Cluster.slots.acquire()
        do {
            if settings.exclusiveBroker {
                try await TestRabbitMQ.withExclusiveBroker { try await withDatabase(settings, body) }
            } else {
                try await TestRabbitMQ.withBroker { try await withDatabase(settings, body) }
            }
            await Cluster.slots.release()
        } catch {
            await Cluster.slots.release()
            throw error
        }
    }

    private static func withDatabase(_ settings: Settings, _ body: (Cluster) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { db in
            try await migrate(db.configuration)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let port = try TestPorts.freePort()
            let exchange = TestRabbitMQ.uniqueName("w")
            let environment: [String: String] = [
                "JOBS_CONFIG": packageRoot + "/conf/jobserver.yaml",
                "JOBS_DATABASE_URL": db.url, "JOBS_DATABASE_POOL_SIZE": "6",
                "JOBS_AMQP_URL": try TestRabbitMQ.url(), "JOBS_AMQP_EXCHANGE": exchange,
                "JOBS_AUTH_KEY_FILE": directory + "/secret.key",
                "JOBS_SERVER_PORT": "\(port)", "JOBS_SERVER_THREADS": "1", "JOBS_SERVER_LOG_LEVEL": "info",
                "JOBS_WORKER_LEASE_SECONDS": "\(settings.leaseSeconds)",
                "JOBS_WORKER_HEARTBEAT_SECONDS": "\(settings.heartbeatSeconds)",
                "JOBS_WORKER_SHUTDOWN_GRACE": "\(settings.shutdownGrace)",
            ]
            guard try await command(["keygen", directory + "/secret.key"], environment, directory).status == 0 else {
                throw ClusterError("jobserver keygen failed")
            }
            var secrets: [String: String] = [:]
            for (name, role) in [("root", "admin"), ("alice", "user"), ("feeder", "consumer")] {
                let added = try await command(["user", "add", name, "--role", role], environment, directory)
                guard added.status == 0, let secret = added.output.split(separator: "\n").last else {
                    throw ClusterError("jobserver user add \(name) failed: \(added.output)")
                }
                secrets[name] = String(secret)
            }
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 3), logger: logger)
            let cluster = Cluster(
                settings: settings, database: db, pool: pool, directory: directory, environment: environment, port: port,
                exchange: exchange, secrets: secrets)
            do {
                try await cluster.startServer()
                try await body(cluster)
                await cluster.stopAll()
            } catch {
                await cluster.stopAll()
                throw error
            }
        }
    }

    // MARK: processes

    /// Starts `jobserver serve` and waits until `/health` answers 200.
    private func startServer() async throws {
        let server = try spawn("jobserver", ["serve"], name: "jobserver")
        try await eventually("jobserver answers /health", timeout: .seconds(30), process: server) {
            await self.get("/health")?.status == 200
        }
    }

    /// Starts `jobworker run` with `concurrency` slots and `tags`, and waits for its `workers` row.
    @discardableResult
    func startWorker(concurrency: Int, tags: [String] = [], environment extra: [String: String] = [:]) async throws -> Worker {
        let n = workerCount.add(1, ordering: .relaxed).newValue
        var arguments = ["run", "--concurrency", "\(concurrency)"]
        if !tags.isEmpty { arguments += ["--tags", tags.joined(separator: ",")] }
        let process = try spawn("jobworker", arguments, name: "jobworker-\(n)", environment: extra)
        var workerID: String?
        try await eventually("jobworker-\(n) heartbeats", timeout: .seconds(30), process: process) {
            workerID = try await self.pool.query("SELECT worker_id FROM workers WHERE pid = \(Int(process.pid))")
                .first?.decode(0, as: String.self)
            return workerID != nil
        }
        return Worker(process: process, id: workerID!)
    }

    func spawn(_ executable: String, _ arguments: [String], name: String, environment extra: [String: String] = [:]) throws -> Spawned {
        let process = try Spawned(
            executable, arguments, environment: environment.merging(extra) { $1 }, name: name, logDirectory: directory)
        processes.withLock { $0.append(process) }
        return process
    }

    /// Kills every process of this cluster (by PID), closes the pool and removes the logs.
    private func stopAll() async {
        for process in processes.withLock({ $0 }) { await process.stop() }
        await pool.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The last lines of every process's log, for failure messages.
    var logs: String {
        processes.withLock { $0 }.map { "--- \($0.name)\n\($0.tail(25))" }.joined(separator: "\n")
    }

    /// Polls `check` until it holds; throws with `what` and the logs after `timeout`.
    func eventually(_ what: String, timeout: Duration, every: Duration = .milliseconds(100),
                    _ check: () async throws -> Bool) async throws {
        try await eventually(what, timeout: timeout, every: every, process: nil, check)
    }

    private func eventually(_ what: String, timeout: Duration, every: Duration = .milliseconds(100), process: Spawned?,
                            _ check: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if (try? await check()) == true { return }
            if let process, let status = process.exitStatus {
                throw ClusterError("\(what): \(process.name) exited with \(status)\n\(process.tail())")
            }
            guard ContinuousClock.now < deadline else { throw ClusterError("timed out waiting until \(what)\n\(logs)") }
            try await Task.sleep(for: every)
        }
    }

    // MARK: set-up helpers

    private static func migrate(_ configuration: PostgresConfiguration) async throws {
        let connection = try await PostgresConnection.connect(configuration, logger: logger)
        do {
            let migrations = try Migration.load(directory: packageRoot + "/migrations")
            try await Migrator(migrations: migrations, logger: logger).migrate(on: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// Runs `jobserver ARGS` to the end; its exit status and output.
    private static func command(_ arguments: [String], _ environment: [String: String], _ directory: String) async throws
        -> (status: Int32, output: String)
    {
        let process = try Spawned(
            "jobserver", arguments, environment: environment, name: "cmd-\(UUID().uuidString)", logDirectory: directory)
        guard let status = await process.waitForExit(timeout: .seconds(60)) else {
            await process.stop()
            throw ClusterError("jobserver \(arguments.joined(separator: " ")) did not end")
        }
        return (status, process.log)
    }

}

/// A started `jobworker run` process and its id in `workers` and `task_events`.
struct Worker: Sendable {
    let process: Spawned
    let id: String
}

