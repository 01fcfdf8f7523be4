import CRabbitMQ
import Glibc
import Logging

/// The one owner of an `amqp_connection_state_t`. Not Sendable: it is created, used and
/// destroyed on the connection's own thread (librabbitmq is not thread-safe), in
/// ``run(runner:configuration:logger:connected:)``.
///
/// rabbitmq-c docs relied on here:
/// - `amqp_destroy_connection`: "Destroys a amqp_connection_state_t object that was created with
///   amqp_new_connection(). If the connection with the broker is open, it will be implicitly
///   closed" — called in `deinit` only, after a failed connect as well.
/// - `amqp_maybe_release_buffers`: "Release amqp_connection_state_t owned memory if there is no
///   pending frames" — called after each frame is handled and its data copied to Swift.
/// - `amqp_simple_wait_frame_noblock`: "If a 0 timeval is specified, the function behaves as if
///   its non-blocking"; heartbeats are "only serviced during amqp_basic_publish() and
///   amqp_simple_wait_frame()/amqp_simple_wait_frame_noblock()", so the loop calls it at least
///   every quarter heartbeat even when the connection only publishes.
/// - `amqp_read_message`: "Caller should call amqp_message_destroy() when it is done using the
///   fields in the message object" — done for every delivery and return after copying it.
///   (We read deliveries with `amqp_read_message` after our own frame dispatch instead of
///   `amqp_consume_message`, so there is no `amqp_envelope_t` to `amqp_destroy_envelope`.)
final class ConnectionCore {
    let connection: amqp_connection_state_t
    let runner: ConnectionRunner
    let logger: Logger
    let endpoint: String
    let pool = CPool()
    var channels: [UInt16: ChannelState] = [:]
    /// Consumer channels with acks to send at the end of this turn of the loop.
    var channelsWithAcks: Set<UInt16> = []
    var publisherChannels: [Int: UInt16] = [:]
    var pendingBatches: [Int: PendingBatch] = [:]
    var nextBatchID = 0
    var nextChannel: UInt16 = 2
    var channelMax: UInt16 = 2047
    var heartbeat = 0
    var lastReceive = monotonicNanoseconds()
    /// Publishes that arrived while the broker blocked the connection, run when it unblocks.
    var deferredWhileBlocked: [() -> Void] = []
    /// Set once; the loop ends and every waiter is failed with it.
    var terminal: AMQPError?
    static let controlChannel: UInt16 = 1

    private init(connection: amqp_connection_state_t, runner: ConnectionRunner, logger: Logger) {
        self.connection = connection
        self.runner = runner
        self.logger = logger
        self.endpoint = runner.endpoint
    }

    deinit { amqp_destroy_connection(connection) }

    /// The owner thread's whole life: connect, report, serve commands and frames, clean up.
    static func run(runner: ConnectionRunner, configuration: AMQPConfiguration, logger: Logger,
                    connected: @Sendable (Result<Int, AMQPError>) -> Void) {
        guard let state = amqp_new_connection() else {
            let error = AMQPError.library(status: AMQP_STATUS_NO_MEMORY.rawValue,
                                          message: "out of memory", call: "amqp_new_connection")
            runner.terminate(error)
            return connected(.failure(error))
        }
        let core = ConnectionCore(connection: state, runner: runner, logger: logger)
        do throws(AMQPError) {
            try core.connect(configuration)
        } catch {
            runner.terminate(error)
            return connected(.failure(error))
        }
        connected(.success(core.heartbeat))
        core.loop()
        let error = core.terminal ?? .closedByClient
        runner.terminate(error)
        logger.debug("AMQP connection ended", metadata: ["endpoint": "\(core.endpoint)", "reason": "\(error)"])
    }

    private func loop() {
        var fds = [pollfd(fd: amqp_get_sockfd(connection), events: Int16(POLLIN), revents: 0),
                   pollfd(fd: runner.wakeFD, events: Int16(POLLIN), revents: 0)]
        let tick = Int32(heartbeat > 0 ? max(100, heartbeat * 1000 / 4) : 1000)
        while terminal == nil {
            for work in runner.takeCommands() {
                switch work {
                case .job(let job): job.runSynchronously(on: runner.asUnownedTaskExecutor())
                case .command(let command):
                    if let terminal { command.fail(terminal) } else { command.run(self) }
                }
            }
            if terminal != nil { break }
            flushAcks()
            readAvailableFrames()
            checkHeartbeat()
            if terminal != nil || runner.hasCommands { continue }
            fds[0].revents = 0
            fds[1].revents = 0
            _ = poll(&fds, 2, tick)  // EINTR or timeout: the loop runs again either way
            if fds[0].revents != 0 { lastReceive = monotonicNanoseconds() }
            if fds[1].revents != 0 { runner.drainWake() }
        }
    }

    /// Reads and handles every frame already available (at most 512, then lets commands run).
    func readAvailableFrames() {
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        var frame = amqp_frame_t()
        for _ in 0..<512 where terminal == nil {
            let status = amqp_simple_wait_frame_noblock(connection, &frame, &zero)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return }
            guard status == AMQP_STATUS_OK.rawValue else {
                return fail(.status(status, call: "amqp_simple_wait_frame_noblock", endpoint: endpoint))
            }
            lastReceive = monotonicNanoseconds()
            handle(frame)
            amqp_maybe_release_buffers(connection)
        }
    }

    private func checkHeartbeat() {
        guard heartbeat > 0, terminal == nil else { return }
        let silence = monotonicNanoseconds() &- lastReceive
        if silence > UInt64(heartbeat) * 2_000_000_000 + 500_000_000 { fail(.heartbeatTimeout) }
    }

    /// Ends the connection: every outstanding publish, consumer and deferred call learns why.
    func fail(_ error: AMQPError) {
        guard terminal == nil else { return }
        terminal = error
        if error != .closedByClient {
            logger.warning("AMQP connection lost", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
        }
        for number in channels.keys.sorted() { channelEnded(number, error: error) }
        let deferred = deferredWhileBlocked
        deferredWhileBlocked = []
        for call in deferred { call() }  // they see `terminal` and report notSent
        runner.terminate(error)
    }

    /// Test hook: breaks the TCP connection under librabbitmq, as a network failure would.
    func shutdownSocket() {
        shutdown(amqp_get_sockfd(connection), Int32(SHUT_RDWR))
    }
}

/// `CLOCK_MONOTONIC` in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
