import Logging
import PosixIO

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
