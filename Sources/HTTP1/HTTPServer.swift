import Foundation
import Logging
import PosixIO
import Synchronization

/// An HTTP/1.1 server over POSIX sockets and epoll.
///
/// `init` binds the listening socket (so ``port`` is known at once); ``run()`` serves until
/// ``shutdown()`` is called or the calling task is cancelled, then stops accepting, lets
/// in-flight requests finish (up to ``HTTPServerConfiguration/shutdownGracePeriod``), closes
/// every connection and returns.
///
/// ```swift
/// var router = Router()
/// router.on(.get, "/health") { _ in .json(bytes: Array(#"{"status":"ok"}"#.utf8)) }
/// let server = try HTTPServer(configuration: .init(), router: router, logger: logger)
/// try await server.run()
/// ```
public final class HTTPServer: Sendable {
    private struct State: ~Copyable {
        var listener: Socket?
        var started = false
        var shutdownRequested = false
        var loopsRunning = 0
        var loops: [ServerLoop] = []
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let context: ServerContext
    private let state: Mutex<State>
    /// The port the server listens on (useful with port 0).
    public let port: UInt16

    /// Binds the listening socket.
    ///
    /// - Parameters:
    ///   - configuration: address, threads, limits, timeouts.
    ///   - router: the routes.
    ///   - logger: receives one `info` line per request (method, path, status, duration_ms,
    ///     request_id and the response's `logMetadata`) and errors.
    /// - Throws: ``SystemError`` if the socket cannot be bound.
    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger) throws {
        ProcessSignals.ignoreSIGPIPE()
        let listener = try Socket.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        port = try listener.localPort()
        context = ServerContext(configuration: configuration, router: router, logger: logger, listenerFD: listener.fd)
        state = Mutex(State(listener: listener))
    }

    /// Serves until shutdown; returns once every connection is closed.
    ///
    /// - Throws: ``SystemError`` if an event loop cannot be created.
    public func run() async throws {
        let loops = try (0..<max(1, context.configuration.eventLoopThreads)).map { _ in
            try ServerLoop(context: context)
        }
        let proceed = state.withLock { state -> Bool in
            guard !state.started, !state.shutdownRequested else { return false }
            state.started = true
            state.loops = loops
            state.loopsRunning = loops.count
            return true
        }
        guard proceed else {
            closeListener()
            return
        }
        context.logger.info("http server listening", metadata: ["host": "\(context.configuration.host)", "port": "\(port)"])
        for (index, loop) in loops.enumerated() {
            NamedThread.start(name: "http-loop-\(index)") { [self] in
                loop.run()
                loopExited()
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state -> Bool in
                    if state.loopsRunning == 0 { return true }
                    state.waiter = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            shutdown()
        }
        context.logger.info("http server stopped", metadata: ["port": "\(port)"])
    }

    /// Starts graceful shutdown (from any thread; later calls do nothing).
    public func shutdown() {
        let loops = state.withLock { state -> [ServerLoop] in
            guard !state.shutdownRequested else { return [] }
            state.shutdownRequested = true
            return state.loops
        }
        for loop in loops { loop.requestShutdown() }
    }

    /// Connections currently open (for metrics and tests).
    public var openConnections: Int { context.openConnections.load(ordering: .relaxed) }

    private func loopExited() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.loopsRunning -= 1
            guard state.loopsRunning == 0 else { return nil }
            state.loops = []
            defer { state.waiter = nil }
            return state.waiter
        }
        guard state.withLock({ $0.loopsRunning == 0 }) else { return }
        closeListener()
        waiter?.resume()
    }

    private func closeListener() {
        state.withLock { state in
            state.listener?.close()
            state.listener = nil
        }
    }
}
