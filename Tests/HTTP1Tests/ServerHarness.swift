import Logging
import PosixIO
import Synchronization

@testable import HTTP1

/// The routes the live tests use.
func testRouter() -> Router {
    var router = Router()
    router.on(.get, "/hello") { _ in .text("hello") }
    router.on(.get, "/health") { _ in .json(bytes: Array(#"{"status":"ok"}"#.utf8)) }
    router.on(.post, "/echo") { request in
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body)
    }
    router.on(.get, "/query") { request in .text(request.queryItems["i"] ?? "-") }
    router.on(.get, "/big") { _ in HTTPResponse(body: [UInt8](repeating: 0x61, count: 8 << 20)) }
    return router
}

/// Runs a server on a free loopback port for `body`, then shuts it down and waits for `run()`.
func withServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }, router: Router = testRouter(),
    _ body: (HTTPServer) async throws -> Void
) async throws {
    var configuration = HTTPServerConfiguration()
    configuration.port = 0
    configure(&configuration)
    var logger = Logger(label: "http-test")
    logger.logLevel = .warning
    let server = try HTTPServer(configuration: configuration, router: router, logger: logger)
    // Owned by this function: awaited below after shutdown.
    let running = Task { try await server.run() }
    do {
        try await body(server)
    } catch {
        server.shutdown()
        _ = try? await running.value
        throw error
    }
    server.shutdown()
    try await running.value
}

/// A handler a test holds: it marks `reached`, waits until the test releases it, then marks
/// `finished` and answers. Polls, so that no continuation outlives the test.
final class HandlerGate: Sendable {
    private let reached = Atomic<Bool>(false), released = Atomic<Bool>(false), finished = Atomic<Bool>(false)

    /// Adds `GET path` to `router`, answering `answer` once released.
    func route(_ path: String, answer: String, on router: inout Router) {
        router.on(.get, path) { [self] _ in
            reached.store(true, ordering: .releasing)
            while !released.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(5)) }
            finished.store(true, ordering: .releasing)
            return .text(answer)
        }
    }

    /// Waits (up to 20 s) until the handler runs.
    func waitUntilReached() async throws {
        for _ in 0..<2_000 where !reached.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
    }

    func release() { released.store(true, ordering: .releasing) }

    /// Waits (up to 5 s) until the handler has answered; whether it did.
    func waitUntilFinished() async throws -> Bool {
        for _ in 0..<500 where !finished.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        return finished.load(ordering: .acquiring)
    }
}

/// Opens a connection and sends `GET path` on it without reading the answer.
func sendRequest(port: UInt16, path: String) async throws -> UncheckedBox<TestClient> {
    try await blocking {
        let client = try TestClient(port: port)
        try client.send("GET \(path) HTTP/1.1\r\nHost: a\r\n\r\n")
        return UncheckedBox(client)
    }
}
