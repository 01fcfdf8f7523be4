import Glibc
import Logging
import PosixIO
import Synchronization

/// One event-loop thread: accepts connections, reads, parses and writes on epoll, and runs
/// the handler tasks of its requests (it is their task executor: ServerLoop+Executor.swift),
/// whose responses come back through its mailbox.
///
/// Everything but ``post(token:response:)``, ``enqueue(_:)`` and ``requestShutdown()`` runs on
/// the loop's own thread; `@unchecked Sendable` because those touch only the `Mutex`, the
/// eventfd and an atomic.
final class ServerLoop: @unchecked Sendable {
    struct Completion {
        var token: UInt64
        var response: HTTPResponse
    }

    struct Mailbox {
        var completions: [Completion] = []
        /// Jobs of handler tasks, run on the loop's thread.
        var jobs: [UnownedJob] = []
        var shutdown = false
        /// The eventfd was signalled and the loop has not drained the mailbox since.
        var signalled = false
        /// The loop has exited: jobs go to the global executor.
        var stopped = false
    }

    static let listenerToken = UInt64.max
    static let wakeupToken = UInt64.max - 1

    let context: ServerContext
    let epoll: Epoll
    let wakeup: EventFD
    let mailbox = Mutex(Mailbox())
    /// The loop thread's id while it runs (`pthread_self`), 0 otherwise.
    let loopThread = Atomic<UInt>(0)

    // Loop-thread state.
    var connections: [ServerConnection?] = []
    var liveConnections = 0
    private var generation: UInt32 = 0
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    var encoder = ResponseEncoder()
    var draining = false
    private var graceDeadline: MonotonicTime?
    private var acceptPausedUntil: MonotonicTime?
    private var nextTick = MonotonicTime(nanoseconds: 0)
    /// The last drain of the mailbox found work, which may have queued more.
    private var mailboxBusy = false
    /// Drains of the mailbox between two `epoll_wait`s at most.
    static let drainRounds = 64
    /// The mailbox's contents are swapped with these (loop thread only), not copied.
    var spareJobs: [UnownedJob] = []
    var spareCompletions: [Completion] = []

    init(context: ServerContext) throws {
        self.context = context
        epoll = try Epoll()
        wakeup = try EventFD()
        try epoll.add(wakeup.fd, interest: .readable, token: Self.wakeupToken)
        try epoll.add(context.listenerFD, interest: [.readable, .exclusive], token: Self.listenerToken)
    }

    deinit { readBuffer.deallocate() }

    /// Hands a handler's response back to the loop (any thread).
    func post(token: UInt64, response: HTTPResponse) {
        deliver { $0.completions.append(Completion(token: token, response: response)) }
    }

    /// Starts graceful shutdown of this loop (any thread).
    func requestShutdown() {
        mailbox.withLock { $0.shutdown = true }
        wakeup.signal()
    }

    /// The thread body: returns once shut down and drained (or past the grace period).
    func run() {
        loopThread.store(UInt(pthread_self()), ordering: .releasing)
        defer { stop() }
        let tick = context.configuration.tickInterval
        let tickMilliseconds = Int32(max(1, tick.nanosecondsClamped / 1_000_000))
        while true {
            let timeout: Int32 = mailboxBusy ? 0
                : liveConnections == 0 && !draining && acceptPausedUntil == nil ? -1 : tickMilliseconds
            do {
                try epoll.wait(timeoutMilliseconds: timeout) { token, events in handle(token: token, events: events) }
            } catch {
                context.logger.critical("epoll_wait failed", metadata: ["error": "\(error)"])
                break
            }
            // What the handlers did on this thread (their jobs, their responses) before sleeping;
            // bounded, so that handlers resuming each other cannot keep the loop from its I/O:
            // what is left then runs after an epoll_wait that does not sleep.
            var rounds = 0
            repeat {
                mailboxBusy = drainMailbox()
                rounds += 1
            } while mailboxBusy && rounds < Self.drainRounds
            let now = MonotonicTime.now()
            if now >= nextTick {
                nextTick = now + tick
                sweep(now: now)
            }
            if draining, liveConnections == 0 || now >= graceDeadline! { break }
        }
        for case let connection? in connections { close(connection) }
    }

    private func handle(token: UInt64, events: Epoll.Events) {
        switch token {
        case Self.listenerToken:
            acceptConnections()
        case Self.wakeupToken:
            wakeup.drain()  // the mailbox is drained after epoll_wait returns (run())
        default:
            guard let connection = lookup(token) else { return }
            if !events.isDisjoint(with: [.readable, .hangUp, .error, .readHangUp]) { connection.readable = true }
            service(connection, now: MonotonicTime.now())
        }
    }

    func lookup(_ token: UInt64) -> ServerConnection? {
        let fd = Int(token & 0xFFFF_FFFF)
        guard fd < connections.count, let connection = connections[fd], connection.token == token else { return nil }
        return connection
    }

    private func acceptConnections() {
        guard !draining else { return }
        for _ in 0..<64 {
            let socket: Socket
            do {
                guard let accepted = try Socket.accept(listenerFD: context.listenerFD) else { return }
                socket = accepted
            } catch {
                // EMFILE / ENFILE and the like: stop accepting for a moment instead of spinning.
                context.logger.error("accept failed", metadata: ["error": "\(error)"])
                // EPOLLEXCLUSIVE registrations cannot be modified, only removed and added again.
                try? epoll.remove(context.listenerFD)
                acceptPausedUntil = MonotonicTime.now() + .milliseconds(100)
                return
            }
            guard context.reserveConnection() else {
                refuseOverCapacity(socket)
                continue
            }
            adopt(socket)
        }
    }

    private func adopt(_ socket: Socket) {
        try? socket.setNoDelay()
        generation &+= 1
        let token = UInt64(generation) << 32 | UInt64(UInt32(socket.fd))
        let machine = ConnectionStateMachine(
            limits: context.configuration.limits, timeouts: context.configuration.connectionTimeouts,
            now: MonotonicTime.now())
        let connection = ServerConnection(socket: socket, token: token, machine: machine)
        do {
            try epoll.add(
                socket.fd, interest: [.readable, .writable, .readHangUp, .edgeTriggered], token: token)
        } catch {
            context.releaseConnection()
            return
        }
        let fd = Int(socket.fd)
        if fd >= connections.count { connections.append(contentsOf: repeatElement(nil, count: fd + 64 - connections.count)) }
        connections[fd] = connection
        liveConnections += 1
    }

    /// Past the connection cap: a best-effort 503 without reading the request, then close.
    private func refuseOverCapacity(_ socket: Socket) {
        var response = context.configuration.errorResponse(.serviceUnavailable, "too many connections")
        response.headers.replaceOrAdd(name: "Retry-After", value: "1")
        var bytes: [UInt8] = []
        encoder.encode(
            response, requestID: context.requestIDs.id(for: HTTPHeaders()), omitBody: false, close: true,
            keepAliveHTTP10: false, into: &bytes)
        _ = bytes.withUnsafeBytes { try? socket.write($0) }
        socket.close()
    }

    func close(_ connection: ServerConnection) {
        let fd = Int(connection.token & 0xFFFF_FFFF)
        guard fd < connections.count, connections[fd] === connection else { return }
        connections[fd] = nil
        connection.socket.close()
        liveConnections -= 1
        context.releaseConnection()
    }

    private func sweep(now: MonotonicTime) {
        if let paused = acceptPausedUntil, now >= paused, !draining {
            acceptPausedUntil = nil
            try? epoll.add(context.listenerFD, interest: [.readable, .exclusive], token: Self.listenerToken)
        }
        for case let connection? in connections {
            let action = connection.machine.tick(now: now)
            if action != .wait {
                perform(action, on: connection, now: now)
                service(connection, now: now)
            }
        }
    }

    func beginShutdown(now: MonotonicTime) {
        draining = true
        graceDeadline = now + context.configuration.shutdownGracePeriod
        if acceptPausedUntil == nil { try? epoll.remove(context.listenerFD) }
        acceptPausedUntil = nil
        for case let connection? in connections {
            let action = connection.machine.beginShutdown(now: now)
            if action != .wait { perform(action, on: connection, now: now) }
        }
    }
}
