/// Exchange types of RabbitMQ.
public enum ExchangeType: String, Sendable {
    case direct, fanout, topic, headers
}

extension AMQPConnection {
    /// Declares an exchange (idempotent while the settings are the same; a difference is a
    /// 406 ``AMQPError/channelClosed(code:text:)``). `passive` only checks that it exists (404).
    public func declareExchange(_ name: String, type: ExchangeType = .direct, durable: Bool = true,
                                autoDelete: Bool = false, internal isInternal: Bool = false, passive: Bool = false,
                                arguments: FieldTable = [:]) async throws {
        try await runner.perform { core throws(AMQPError) in
            try core.declareExchange(name, type: type.rawValue, passive: passive, durable: durable,
                                     autoDelete: autoDelete, isInternal: isInternal, arguments: arguments)
        }
    }

    /// Deletes an exchange.
    public func deleteExchange(_ name: String, ifUnused: Bool = false) async throws {
        try await runner.perform { core throws(AMQPError) in try core.deleteExchange(name, ifUnused: ifUnused) }
    }

    /// Declares a queue (idempotent while the arguments are the same), e.g. with
    /// `["x-max-priority": 9, "x-dead-letter-exchange": "dlx"]`. An empty name lets the broker
    /// choose one (returned in ``QueueInfo/name``).
    @discardableResult
    public func declareQueue(_ name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
                             passive: Bool = false, arguments: FieldTable = [:]) async throws -> QueueInfo {
        try await runner.perform { core throws(AMQPError) in
            try core.declareQueue(name, passive: passive, durable: durable, exclusive: exclusive,
                                  autoDelete: autoDelete, arguments: arguments)
        }
    }

    /// Deletes a queue; returns how many messages it held.
    @discardableResult
    public func deleteQueue(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws -> UInt32 {
        try await runner.perform { core throws(AMQPError) in
            try core.deleteQueue(name, ifUnused: ifUnused, ifEmpty: ifEmpty)
        }
    }

    /// Removes every ready message from a queue; returns how many.
    @discardableResult
    public func purgeQueue(_ name: String) async throws -> UInt32 {
        try await runner.perform { core throws(AMQPError) in try core.purgeQueue(name) }
    }

    /// Binds a queue to an exchange with a routing key.
    public func bindQueue(_ queue: String, exchange: String, routingKey: String,
                          arguments: FieldTable = [:]) async throws {
        try await runner.perform { core throws(AMQPError) in
            try core.bindQueue(queue, exchange: exchange, routingKey: routingKey, arguments: arguments, unbind: false)
        }
    }

    /// Removes a binding.
    public func unbindQueue(_ queue: String, exchange: String, routingKey: String,
                            arguments: FieldTable = [:]) async throws {
        try await runner.perform { core throws(AMQPError) in
            try core.bindQueue(queue, exchange: exchange, routingKey: routingKey, arguments: arguments, unbind: true)
        }
    }
}
