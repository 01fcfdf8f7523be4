/// The job server's RabbitMQ topology (SPEC section 4), kept in one place: one durable direct
/// exchange (`jobs`), one durable queue per service (`jobs.<service>`) and per service and tag
/// (`jobs.<service>.<tag>`), each bound under its own name and declared with `x-max-priority: 9`.
/// Declaring is idempotent, so every process declares what it uses on each (re)connect.
///
/// ```swift
/// let topology = JobTopology()
/// try await topology.declare(on: connection, services: ["echo"], tags: ["gpu"])
/// let key = topology.routingKey(service: "echo", tag: nil)   // "jobs.echo"
/// ```
public struct JobTopology: Sendable, Equatable {
    /// The queue type. Classic queues support priorities; quorum queues (for clusters) are a
    /// later option and would change ``queueArguments`` only.
    public enum QueueType: String, Sendable {
        case classic
    }

    /// The exchange tasks are published to (`amqp.exchange`).
    public var exchange: String
    /// The queue type of every job queue.
    public var queueType: QueueType
    /// The highest priority (tasks carry 0-9).
    public var maxPriority: Int
    /// Optional dead-letter exchange for rejected messages (`x-dead-letter-exchange`).
    public var deadLetterExchange: String?

    /// The topology with the defaults of SPEC section 4.
    public init(exchange: String = "jobs", queueType: QueueType = .classic, maxPriority: Int = 9,
                deadLetterExchange: String? = nil) {
        self.exchange = exchange
        self.queueType = queueType
        self.maxPriority = maxPriority
        self.deadLetterExchange = deadLetterExchange
    }

    /// `jobs.<service>` or `jobs.<service>.<tag>` (the exchange name is the prefix).
    public func queueName(service: String, tag: String? = nil) -> String {
        if let tag, !tag.isEmpty { return "\(exchange).\(service).\(tag)" }
        return "\(exchange).\(service)"
    }

    /// The routing key of a task: its queue's name.
    public func routingKey(service: String, tag: String? = nil) -> String {
        queueName(service: service, tag: tag)
    }

    /// The arguments every job queue is declared with. A classic queue (the broker's default
    /// type) is declared without `x-queue-type`, so queues made by older code stay equivalent.
    public var queueArguments: FieldTable {
        var arguments: FieldTable = ["x-max-priority": .int64(Int64(maxPriority))]
        if queueType != .classic { arguments["x-queue-type"] = .string(queueType.rawValue) }
        if let deadLetterExchange { arguments["x-dead-letter-exchange"] = .string(deadLetterExchange) }
        return arguments
    }

    /// Declares the exchange.
    public func declareExchange(on connection: AMQPConnection) async throws {
        try await connection.declareExchange(exchange, type: .direct, durable: true)
    }

    /// Declares one job queue and binds it to the exchange under its name; returns the name.
    @discardableResult
    public func declareQueue(on connection: AMQPConnection, service: String, tag: String? = nil) async throws -> String {
        let name = queueName(service: service, tag: tag)
        try await connection.declareQueue(name, durable: true, arguments: queueArguments)
        try await connection.bindQueue(name, exchange: exchange, routingKey: name)
        return name
    }

    /// Declares the exchange and, for each service, its untagged queue plus one per tag.
    /// - Returns: the queue names, services in order, untagged first.
    @discardableResult
    public func declare(on connection: AMQPConnection, services: [String], tags: [String] = []) async throws -> [String] {
        try await declareExchange(on: connection)
        var names: [String] = []
        for service in services {
            names.append(try await declareQueue(on: connection, service: service))
            for tag in tags { names.append(try await declareQueue(on: connection, service: service, tag: tag)) }
        }
        return names
    }
}
