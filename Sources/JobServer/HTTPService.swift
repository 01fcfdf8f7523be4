import HTTP1
import ServiceLifecycle

/// The HTTP server as a lifecycle service: runs until graceful shutdown, then drains in-flight
/// requests (within the configured grace period) and returns.
public struct HTTPService: Service {
    public let server: HTTPServer

    public init(server: HTTPServer) {
        self.server = server
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            server.shutdown()
        }
    }
}
