import Foundation
import Logging
import PosixIO
import Synchronization

/// A connection to a RabbitMQ broker over librabbitmq, with its own thread.
///
/// librabbitmq is not thread-safe, so each connection has one dedicated thread that owns the C
/// state and runs every librabbitmq call; methods here queue work for it and suspend until it is
/// done, never blocking Swift's cooperative pool. That thread also services heartbeats (every
/// quarter interval, also on a publish-only connection), reads deliveries and confirms, and
/// tracks `connection.blocked`. Declarations run on channel 1; each ``Publisher`` and each
/// ``Consumer`` gets a channel of its own.
///
/// ```swift
/// let connection = try await AMQPConnection.connect(url: "amqp://guest:guest@127.0.0.1:5672/", logger: logger)
/// try await connection.declareQueue("work", arguments: ["x-max-priority": 9])
/// let publisher = try await connection.makePublisher()
/// try await publisher.publish(OutgoingMessage(exchange: "", routingKey: "work", body: Array("hi".utf8)))
/// let consumer = try await connection.consume(queue: "work", prefetch: 10)
/// for try await delivery in consumer { try await delivery.ack() }
/// await connection.close()
/// ```
public final class AMQPConnection: Sendable {
    let runner: ConnectionRunner
    /// The configuration it was opened with (its description hides the password).
    public let configuration: AMQPConfiguration
    /// The heartbeat interval agreed with the broker, in seconds (0: none).
    public let heartbeat: Int
    private let publisherIDs = Atomic<Int>(0)

    private init(runner: ConnectionRunner, configuration: AMQPConfiguration, heartbeat: Int) {
        self.runner = runner
        self.configuration = configuration
        self.heartbeat = heartbeat
    }

    deinit {
        // Safety net: a connection dropped without close() would keep its thread forever.
        runner.submit(.init(run: { $0.close() }, fail: { _ in }))
    }

    /// Connects, logs in and opens the control channel.
    ///
    /// - Parameters:
    ///   - configuration: where to connect; see ``AMQPConfiguration/init(url:)``.
    ///   - logger: for connection-level events (lost, blocked, broker cancels).
    /// - Throws: ``AMQPError`` (`.socket`, `.tls`, `.connectionClosed` for a refused login, ...).
    public static func connect(_ configuration: AMQPConfiguration, logger: Logger) async throws -> AMQPConnection {
        let runner = try ConnectionRunner(endpoint: configuration.endpoint)
        let heartbeat = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, Error>) in
            NamedThread.start(name: "amqp-\(configuration.port)") {
                ConnectionCore.run(runner: runner, configuration: configuration, logger: logger) { result in
                    continuation.resume(with: result.mapError { $0 as Error })
                }
            }
        }
        return AMQPConnection(runner: runner, configuration: configuration, heartbeat: heartbeat)
    }

    /// Parses `url` (see ``AMQPConfiguration/init(url:)``) and connects.
    public static func connect(url: String, logger: Logger) async throws -> AMQPConnection {
        try await connect(AMQPConfiguration(url: url), logger: logger)
    }

    /// Closes the connection (`connection.close`); consumers finish, unconfirmed publishes
    /// report `.unknown(.closedByClient)`. Safe to call more than once.
    public func close() async {
        _ = try? await runner.perform { core in core.close() }
        _ = await runner.waitUntilTerminated()
    }

    /// True until the connection is closed or lost.
    public var isOpen: Bool { runner.terminationError == nil }

    /// Waits until the connection ends and returns why (`.closedByClient` after ``close()``).
    public func waitUntilClosed() async -> AMQPError { await runner.waitUntilTerminated() }

    /// The broker's reason while it blocks this connection's publishers (`connection.blocked`,
    /// e.g. "low on memory"), nil otherwise. Publishes made meanwhile wait until unblocked.
    public var blockedReason: String? { runner.blockedReason }

    /// Returns once the broker no longer blocks the connection (at once if it does not).
    public func waitUntilUnblocked() async { await runner.waitUntilUnblocked() }

    /// Opens a publisher: a channel of its own in confirm mode.
    public func makePublisher() async throws -> Publisher {
        let id = publisherIDs.add(1, ordering: .relaxed).newValue
        _ = try await runner.perform { core throws(AMQPError) in try core.openPublisherChannel(id: id) }
        return Publisher(runner: runner, id: id)
    }

    /// Starts a consumer with manual acknowledgement on a channel of its own.
    ///
    /// - Parameters:
    ///   - queue: the queue to consume.
    ///   - prefetch: the most unacknowledged deliveries the broker sends (`basic.qos`); 0 = no limit.
    ///   - consumerTag: "" lets the broker choose.
    ///   - exclusive: no other consumer may consume the queue meanwhile.
    ///   - arguments: consumer arguments (e.g. `x-priority`).
    /// - Returns: the deliveries, as an `AsyncSequence`; it ends with an error when the broker
    ///   cancels the consumer (``AMQPError/consumerCancelledByBroker(queue:)``) or the connection
    ///   is lost, and normally after ``Consumer/cancel()`` or ``close()``.
    public func consume(queue: String, prefetch: UInt16, consumerTag: String = "", exclusive: Bool = false,
                        arguments: FieldTable = [:]) async throws -> Consumer {
        let (stream, continuation) = AsyncThrowingStream<Delivery, Error>.makeStream()
        let (channel, tag) = try await runner.perform { core throws(AMQPError) in
            try core.startConsumer(ConsumerSink(queue: queue, continuation: continuation), prefetch: prefetch,
                                   consumerTag: consumerTag, exclusive: exclusive, arguments: arguments)
        }
        let runner = runner
        continuation.onTermination = { reason in
            if case .cancelled = reason {  // the iterating task was cancelled: stop the broker sending
                runner.submit(.init(run: { $0.cancelConsumer(channel: channel) }, fail: { _ in }))
            }
        }
        return Consumer(stream: stream, runner: runner, channel: channel, queue: queue, consumerTag: tag)
    }

    /// The connection's thread as a task executor. Code that drives the connection in a tight
    /// loop (a publish loop, an outbox relay) can run there with
    /// `withTaskExecutorPreference(connection.taskExecutor) { ... }`: it then resumes on the
    /// thread that read the confirms, saving two thread hand-offs per call. Never block in it
    /// (no blocking syscalls, no locks held long): that would stall heartbeats and deliveries.
    public var taskExecutor: any TaskExecutor { runner }

    /// Test hook: breaks the TCP connection under librabbitmq, like a network failure.
    func breakSocketForTesting() async {
        _ = try? await runner.perform { core in core.shutdownSocket() }
    }
}
