import Foundation
import Logging
import Postgres

/// The private PostgreSQL server of the test run (started by `scripts/services.sh start`), and a
/// fresh database per test.
///
/// The server URL comes from `JOBS_TEST_PG_URL` in the environment, else from
/// `.local/services.env` at the package root. Without either, every test using the fixture fails
/// with a message saying how to start the server: tests never skip silently.
///
/// ```swift
/// @Test func insertsATask() async throws {
///     try await TestPostgres.withDatabase { db in
///         let pool = PostgresPool(configuration: db.configuration, logger: TestPostgres.logger)
///         try await pool.query("CREATE TABLE t (id text PRIMARY KEY)")
///         await pool.close()
///     }
/// }
/// ```
public enum TestPostgres {
    /// A fixture failure with a message for the person running the tests.
    public struct FixtureError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A database created for one test and dropped after it.
    public struct Database: Sendable {
        /// The database name (`t_` and random hex).
        public let name: String
        /// A URL (or conninfo) for the database, superuser credentials included.
        public let url: String
        /// `url`, parsed.
        public let configuration: PostgresConfiguration
    }

    /// A logger for tests (warnings and worse).
    public static let logger: Logger = {
        var logger = Logger(label: "tests.postgres")
        logger.logLevel = .warning
        return logger
    }()

    /// The package root, found from this file's path (Tests/TestSupport/TestPostgres.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The superuser URL of the private server (database `postgres`).
    public static func url() throws -> String {
        let key = "JOBS_TEST_PG_URL"
        if let url = ProcessInfo.processInfo.environment[key], !url.isEmpty { return url }
        let file = packageRoot.appendingPathComponent(".local/services.env")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw FixtureError(
                description: "\(key) is not set and \(file.path) does not exist: run `make test` "
                    + "or `scripts/services.sh start` to start the private PostgreSQL")
        }
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("\(key)=") {
            var value = String(line.dropFirst(key.count + 1))
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            if !value.isEmpty { return value }
        }
        throw FixtureError(
            description: "\(file.path) has no \(key) line: rerun `scripts/services.sh start`")
    }

    /// The superuser configuration of the private server (database `postgres`).
    public static func serverConfiguration() throws -> PostgresConfiguration {
        try PostgresConfiguration(url())
    }

    /// Creates a fresh database, runs `body` with it, and drops it (also when `body` throws).
    ///
    /// - Parameter exclusive: true for tests that restart or otherwise disturb the server: they
    ///   wait until no other test holds the servers (`ServerAccess`), and others wait for them.
    public static func withDatabase<T>(
        exclusive: Bool = false,
        _ body: (Database) async throws -> T
    ) async throws -> T {
        let serverURL = try url()
        let server = try PostgresConfiguration(serverURL)
        return try await ServerAccess.with(exclusive: exclusive) {
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
                .lowercased()
            try await runOnServer(server, "CREATE DATABASE \(name)")
            let database = Database(
                name: name, url: databaseURL(serverURL, name: name),
                configuration: server.withDatabase(name))
            let result: Result<T, any Error>
            do {
                result = .success(try await body(database))
            } catch {
                result = .failure(error)
            }
            try await runOnServer(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return try result.get()
        }
    }

    /// Restarts the private server (`scripts/services.sh restart-postgres`) and returns once it
    /// answers. Call it only inside `withDatabase(exclusive: true)`.
    public static func restartServer() async throws {
        let script = packageRoot.appendingPathComponent("scripts/services.sh")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            throw FixtureError(description: "\(script.path) is missing: cannot restart PostgreSQL")
        }
        let status = try await ChildProcess.run("/bin/bash", [script.path, "restart-postgres"])
        guard status == 0 else {
            throw FixtureError(description: "`scripts/services.sh restart-postgres` exited \(status)")
        }
    }

    /// Runs one trusted statement on the server's `postgres` database, on a short-lived connection.
    public static func runOnServer(_ server: PostgresConfiguration, _ sql: String) async throws {
        let connection = try await PostgresConnection.connect(server, logger: logger)
        do {
            try await connection.executeScript(sql)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// `url` with its database replaced by `name` (URL path, or a `dbname=` appended to conninfo).
    static func databaseURL(_ url: String, name: String) -> String {
        guard let scheme = url.range(of: "://"),
            url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
        else { return url + " dbname=\(name)" }
        let query = url.firstIndex(of: "?") ?? url.endIndex
        let afterScheme = url[scheme.upperBound..<query]
        let pathStart = afterScheme.firstIndex(of: "/") ?? query
        return String(url[..<pathStart]) + "/" + name + String(url[query...])
    }

    /// `url` (a URL or conninfo) pointed at `port` on the same host, for a ``CuttableProxy`` in
    /// front of the server (which it reaches on 127.0.0.1). Only the URL's authority is read.
    public static func url(_ url: String, port: UInt16) -> String {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"), let scheme = url.range(of: "://") else {
            return url + " host=127.0.0.1 port=\(port)"
        }
        let authorityEnd = url[scheme.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? url.endIndex
        let authority = url[scheme.upperBound..<authorityEnd]
        let hostPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let hostEnd = hostPort.hasPrefix("[")
            ? hostPort.firstIndex(of: "]").map { url.index(after: $0) } ?? authorityEnd  // [IPv6]
            : hostPort.firstIndex(of: ":") ?? authorityEnd
        return String(url[..<hostEnd]) + ":\(port)" + String(url[authorityEnd...])
    }
}
