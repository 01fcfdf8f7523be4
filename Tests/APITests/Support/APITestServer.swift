import Foundation
import HTTP1
import JobConfig
import JobCore
import JobCrypto
import JobStore
import Logging
import Postgres
import TestSupport

@testable import JobServer

/// The API served for real: a fresh migrated database, the four test users, and an
/// `HTTPServer` on a free loopback port with the API routes and `GET /health`, wired as
/// `ServerApplication` wires them (same router, same error responder, same configuration path).
struct APITestServer: Sendable {
    /// At most four live test servers at once, so parallel tests stay within the private
    /// PostgreSQL's connection limit and the machine's two cores.
    static let slots = TestSlots(4)

    let port: UInt16
    let pool: PostgresPool
    let configuration: Configuration
    /// Secrets by user name: `root` (admin), `alice` and `bob` (users), `feeder` (consumer).
    let secrets: [String: String]

    static let logger: Logger = {
        var logger = Logger(label: "tests.api")
        logger.logLevel = .critical
        return logger
    }()

    /// The configuration the tests run with: contract defaults, services echo / sleep / fail.
    static func defaultConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.services = [ServiceDefinition(name: "echo"), ServiceDefinition(name: "sleep"), ServiceDefinition(name: "fail")]
        configuration.server.port = 0
        configuration.server.host = "127.0.0.1"
        configuration.server.threads = 1
        return configuration
    }

    /// Runs `body` against a server over a fresh database, then shuts both down.
    static func with<T>(
        _ configure: (inout Configuration) -> Void = { _ in }, _ body: (APITestServer) async throws -> T
    ) async throws -> T {
        var configuration = defaultConfiguration()
        configure(&configuration)
        let settings = configuration
        await APITestServer.slots.acquire()
        do {
            let result = try await withDatabase(settings, body)
            await APITestServer.slots.release()
            return result
        } catch {
            await APITestServer.slots.release()
            throw error
        }
    }

    private static func withDatabase<T>(_ settings: Configuration, _ body: (APITestServer) async throws -> T) async throws -> T {
        try await TestPostgres.withDatabase { db in
            try await migrate(db.configuration)
            let pool = PostgresPool(configuration: db.configuration, options: .init(maxConnections: 4), logger: logger)
            do {
                let result = try await serve(pool: pool, configuration: settings, body)
                await pool.close()
                return result
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    private static func serve<T>(
        pool: PostgresPool, configuration: Configuration, _ body: (APITestServer) async throws -> T
    ) async throws -> T {
        let key = try SecretKey(validating: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let accounts = UserAccounts(store: UserStore(pool: pool), key: key)
        var secrets: [String: String] = [:]
        for (name, role) in [("root", UserRole.admin), ("alice", .user), ("bob", .user), ("feeder", .consumer)] {
            secrets[name] = try await accounts.add(name: name, role: role)
        }
        var router = Router()
        HealthRoute.register(on: &router, pool: pool) { false }
        let userSecrets = UserSecrets(store: UserStore(pool: pool), key: key, logger: logger)
        let context = APIContext(
            store: TaskStore(pool: pool), configuration: configuration,
            services: ServiceCatalog(configured: configuration.services, workers: WorkerStore(pool: pool)),
            authenticator: Authenticator(secrets: userSecrets, windowSeconds: configuration.auth.windowSeconds, logger: logger),
            logger: logger)
        APIRoutes.register(on: &router, context: context)
        var http = HTTPServerConfiguration(configuration.server)
        http.errorResponse = APIRoutes.serverErrorResponse
        let server = try HTTPServer(configuration: http, router: router, logger: logger)
        // Owned here: shut down and awaited below on every path.
        let running = Task { try await server.run() }
        let api = APITestServer(port: server.port, pool: pool, configuration: configuration, secrets: secrets)
        do {
            let result = try await body(api)
            server.shutdown()
            try await running.value
            return result
        } catch {
            server.shutdown()
            _ = try? await running.value
            throw error
        }
    }

    private static func migrate(_ configuration: PostgresConfiguration) async throws {
        let connection = try await PostgresConnection.connect(configuration, logger: logger)
        do {
            let migrations = try Migration.load(directory: TestPostgres.packageRoot.appendingPathComponent("migrations").path)
            try await Migrator(migrations: migrations, logger: logger).migrate(on: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    // MARK: Requests

    /// The current UTC time in seconds, as the server reads its clock.
    static func now() -> Int { Int(Date().timeIntervalSince1970.rounded(.down)) }

    /// `POST /api/<endpoint>?_=<now>` signed for `user`, with a JSON body.
    func call(_ endpoint: String, as user: String = "alice", _ json: String = "{}") async throws -> HTTPReply {
        let timestamp = Self.now()
        return try await send(
            "POST", "/api/\(endpoint)?_=\(timestamp)",
            headers: ["Authorization": authorization(user, timestamp), "Content-Type": "application/json"], body: Array(json.utf8))
    }

    /// Any request, bytes as given; `Host`, `Content-Length` and `Connection: close` are added.
    func send(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> HTTPReply {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\r\n\(name): \(value)" }
        if !body.isEmpty || method == "POST" { head += "\r\nContent-Length: \(body.count)" }
        let reply = try await RawHTTPClient.exchange(port: port, head: head, body: body)
        // The contract: every response carries X-Request-Id; every test checks it this way.
        guard let requestID = reply.header("X-Request-Id"), !requestID.isEmpty else {
            throw HTTPClientError(description: "no X-Request-Id on \(method) \(target): \(reply)")
        }
        if let sent = headers["X-Request-Id"], sent != requestID {
            throw HTTPClientError(description: "X-Request-Id \(sent) came back as \(requestID)")
        }
        return reply
    }

    /// `Basic base64(user ":" md5hex(secret "@" timestamp))` for a test user.
    func authorization(_ user: String, _ timestamp: Int) -> String {
        AuthSignature.header(user: user, secret: secrets[user] ?? "unknown", timestamp: timestamp)
    }

    /// A signed call that must succeed; returns the parsed envelope.
    @discardableResult
    func ok(_ endpoint: String, as user: String = "alice", _ json: String = "{}") async throws -> JSONValue {
        let reply = try await call(endpoint, as: user, json)
        guard reply.status == 200, reply.code == 0 else {
            throw HTTPClientError(description: "\(endpoint) as \(user) with \(json): \(reply)")
        }
        return try reply.json()
    }
}

