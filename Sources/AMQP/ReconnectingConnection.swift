import Logging

/// A connection that comes back: it connects, declares the topology, opens a publisher and
/// resumes every registered consumer; when the connection is lost it retries with exponential
/// backoff and jitter, for as long as ``run()`` runs.
///
/// Publishes while it is down report ``PublishOutcome/notSent(_:)`` with
/// ``AMQPError/notConnected``; publishes unconfirmed when the connection dropped report
/// ``PublishOutcome/unknown(_:)``. A transactional outbox publishes both again later.
///
/// ```swift
/// let amqp = ReconnectingConnection(configuration: config, logger: logger) { connection in
///     try await JobTopology().declare(on: connection, services: ["echo"])
/// }
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await amqp.run() }           // until shutdown() or cancellation
///     try await amqp.waitUntilConnected()
///     let outcomes = await amqp.publish(batch)
///     for try await delivery in await amqp.consume(queue: "jobs.echo", prefetch: 8) { ... }
///     await amqp.shutdown()
/// }
/// ```
public actor ReconnectingConnection {
    private struct ConsumerSpec {
        let queue: String
        let prefetch: UInt16
        let continuation: AsyncThrowingStream<Delivery, Error>.Continuation
    }

    private let configuration: AMQPConfiguration
    private let backoff: Backoff
    private let logger: Logger
    private let topology: @Sendable (AMQPConnection) async throws -> Void
    private var connection: AMQPConnection?
    private var publisher: Publisher?
    private var consumers: [Int: ConsumerSpec] = [:]
    /// One task per live consumer, forwarding its deliveries; owned here, cancelled on loss.
    private var forwarders: [Int: Task<Void, Never>] = [:]
    private var nextConsumerID = 0
    private var connectWaiters: [CheckedContinuation<Void, Error>] = []
    private var stopped = false
    private var sleeper: Task<Void, Never>?

    /// - Parameters:
    ///   - configuration: where to connect.
    ///   - backoff: delays between attempts.
    ///   - logger: connects, losses and retries are logged here.
    ///   - topology: declares exchanges, queues and bindings on every new connection (idempotent).
    public init(configuration: AMQPConfiguration, backoff: Backoff = Backoff(), logger: Logger,
                topology: @escaping @Sendable (AMQPConnection) async throws -> Void = { _ in }) {
        self.configuration = configuration
        self.backoff = backoff
        self.logger = logger
        self.topology = topology
    }

    /// True while a connection is up and its topology declared.
    public var isConnected: Bool { connection != nil }

    /// The current connection, nil while down (for declarations beyond the topology).
    public var currentConnection: AMQPConnection? { connection }

    /// Keeps a connection up until ``shutdown()`` or cancellation of the calling task.
    public func run() async {
        var attempt = 0
        while !stopped, !Task.isCancelled {
            if let reason = await connectOnce() {
                attempt = 0
                if stopped { break }
                logger.warning("AMQP connection lost, reconnecting", metadata: ["error": "\(reason)"])
            }
            if stopped || Task.isCancelled { break }
            attempt += 1
            let delay = backoff.delay(attempt: attempt)
            let sleeper = Task { _ = try? await Task.sleep(for: delay) }
            self.sleeper = sleeper
            await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
            self.sleeper = nil
        }
        stopped = true
        for (_, spec) in consumers { spec.continuation.finish() }
        consumers = [:]
        for waiter in connectWaiters { waiter.resume(throwing: AMQPError.closedByClient) }
        connectWaiters = []
    }

    /// One connection's life: nil if connecting failed, else why it ended.
    private func connectOnce() async -> AMQPError? {
        let connection: AMQPConnection
        do {
            connection = try await AMQPConnection.connect(configuration, logger: logger)
        } catch {
            logger.debug("AMQP connect failed", metadata: ["error": "\(error)"])
            return nil
        }
        do {
            try await topology(connection)
            publisher = try await connection.makePublisher()
        } catch {
            logger.warning("AMQP topology declaration failed", metadata: ["error": "\(error)"])
            await connection.close()
            return nil
        }
        self.connection = connection
        logger.info("AMQP connected", metadata: ["endpoint": "\(configuration.endpoint)"])
        for id in consumers.keys.sorted() { startForwarder(id, on: connection) }
        for waiter in connectWaiters { waiter.resume() }
        connectWaiters = []
        let reason = await withTaskCancellationHandler {
            await connection.waitUntilClosed()
        } onCancel: {
            Task { await connection.close() }  // unstructured: close runs on the connection's thread
        }
        self.connection = nil
        publisher = nil
        for (_, task) in forwarders { task.cancel() }
        forwarders = [:]
        return reason
    }

    /// Stops reconnecting and closes the connection; ``run()`` returns and consumers finish.
    public func shutdown() async {
        stopped = true
        sleeper?.cancel()
        if let connection { await connection.close() }
    }

    /// Returns once connected (at once if connected).
    /// - Throws: ``AMQPError/closedByClient`` if shut down first.
    public func waitUntilConnected() async throws {
        if connection != nil { return }
        if stopped { throw AMQPError.closedByClient }
        try await withCheckedThrowingContinuation { connectWaiters.append($0) }
    }

    /// Publishes on the current connection (see ``Publisher/publish(_:)-([OutgoingMessage])``);
    /// while down every message is ``PublishOutcome/notSent(_:)`` with ``AMQPError/notConnected``.
    public nonisolated func publish(_ messages: [OutgoingMessage]) async -> [PublishOutcome] {
        guard let publisher = await publisher else {
            return Array(repeating: .notSent(.notConnected), count: messages.count)
        }
        return await publisher.publish(messages)
    }

    /// Consumes `queue` across reconnections: the sequence goes on with the deliveries of each
    /// new connection. It ends with an error only when the broker cancels the consumer or
    /// refuses it (e.g. the queue does not exist), and normally after ``shutdown()``. A delivery
    /// must be acknowledged on the connection it came from; after a reconnect, acknowledging an
    /// older one throws (the broker has already requeued it).
    public func consume(queue: String, prefetch: UInt16) -> AsyncThrowingStream<Delivery, Error> {
        let (stream, continuation) = AsyncThrowingStream<Delivery, Error>.makeStream()
        let id = nextConsumerID
        nextConsumerID += 1
        guard !stopped else {
            continuation.finish()
            return stream
        }
        consumers[id] = ConsumerSpec(queue: queue, prefetch: prefetch, continuation: continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeConsumer(id) }  // unstructured: onTermination is synchronous
        }
        if let connection { startForwarder(id, on: connection) }
        return stream
    }

    private func removeConsumer(_ id: Int) {
        consumers[id] = nil
        forwarders.removeValue(forKey: id)?.cancel()
    }

    private func startForwarder(_ id: Int, on connection: AMQPConnection) {
        guard let spec = consumers[id] else { return }
        forwarders[id] = Task { [weak self] in
            do {
                let consumer = try await connection.consume(queue: spec.queue, prefetch: spec.prefetch)
                for try await delivery in consumer { spec.continuation.yield(delivery) }
            } catch let error as AMQPError where !error.isConnectionLevel {
                spec.continuation.finish(throwing: error)  // cancelled or refused by the broker
                await self?.removeConsumer(id)
            } catch {
                // Connection lost: the next connection resumes this consumer.
            }
        }
    }
}
