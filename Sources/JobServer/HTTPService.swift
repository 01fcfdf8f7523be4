import HTTP1
import PosixIO
import ServiceLifecycle

/// The HTTP server as a lifecycle service: runs until graceful shutdown, then drains in-flight
/// requests (within the configured grace period) and returns. Under systemd `Type=notify` it
/// reports `READY=1` once it serves (the listener is bound when the server is created) and
/// `STOPPING=1` when the shutdown starts.
public struct HTTPService: Service {
    public let server: HTTPServer
    let notifier: SystemdNotifier

    public init(server: HTTPServer, notifier: SystemdNotifier = SystemdNotifier()) {
        self.server = server
        self.notifier = notifier
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            notifier.notify("READY=1\nSTATUS=serving on port \(server.port)")
            try await server.run()
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1")
            server.shutdown()
        }
    }
}
