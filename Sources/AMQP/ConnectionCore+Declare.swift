import CRabbitMQ

/// What `queue.declare-ok` reports.
public struct QueueInfo: Sendable, Equatable {
    /// The queue name (the broker's name when declared with an empty name).
    public var name: String
    /// Messages ready for delivery.
    public var messageCount: UInt32
    /// Active consumers.
    public var consumerCount: UInt32
}

extension ConnectionCore {
    func declareExchange(_ name: String, type: String, passive: Bool, durable: Bool,
                         autoDelete: Bool, isInternal: Bool, arguments: FieldTable) throws(AMQPError) {
        let channel = try controlChannel()
        defer { pool.recycle() }
        _ = amqp_exchange_declare(connection, channel, pool.bytes(name), pool.bytes(type), passive ? 1 : 0,
                                  durable ? 1 : 0, autoDelete ? 1 : 0, isInternal ? 1 : 0, pool.table(arguments))
        try check(amqp_get_rpc_reply(connection), call: "exchange.declare \(name)", channel: channel)
    }

    func deleteExchange(_ name: String, ifUnused: Bool) throws(AMQPError) {
        let channel = try controlChannel()
        defer { pool.recycle() }
        _ = amqp_exchange_delete(connection, channel, pool.bytes(name), ifUnused ? 1 : 0)
        try check(amqp_get_rpc_reply(connection), call: "exchange.delete \(name)", channel: channel)
    }

    func declareQueue(_ name: String, passive: Bool, durable: Bool, exclusive: Bool,
                      autoDelete: Bool, arguments: FieldTable) throws(AMQPError) -> QueueInfo {
        let channel = try controlChannel()
        defer { pool.recycle() }
        let ok = amqp_queue_declare(connection, channel, pool.bytes(name), passive ? 1 : 0, durable ? 1 : 0,
                                    exclusive ? 1 : 0, autoDelete ? 1 : 0, pool.table(arguments))
        try check(amqp_get_rpc_reply(connection), call: "queue.declare \(name)", channel: channel)
        guard let ok else { return QueueInfo(name: name, messageCount: 0, consumerCount: 0) }
        return QueueInfo(name: ok.pointee.queue.string, messageCount: ok.pointee.message_count,
                         consumerCount: ok.pointee.consumer_count)
    }

    func deleteQueue(_ name: String, ifUnused: Bool, ifEmpty: Bool) throws(AMQPError) -> UInt32 {
        let channel = try controlChannel()
        defer { pool.recycle() }
        let ok = amqp_queue_delete(connection, channel, pool.bytes(name), ifUnused ? 1 : 0, ifEmpty ? 1 : 0)
        try check(amqp_get_rpc_reply(connection), call: "queue.delete \(name)", channel: channel)
        return ok?.pointee.message_count ?? 0
    }

    func purgeQueue(_ name: String) throws(AMQPError) -> UInt32 {
        let channel = try controlChannel()
        defer { pool.recycle() }
        let ok = amqp_queue_purge(connection, channel, pool.bytes(name))
        try check(amqp_get_rpc_reply(connection), call: "queue.purge \(name)", channel: channel)
        return ok?.pointee.message_count ?? 0
    }

    func bindQueue(_ queue: String, exchange: String, routingKey: String, arguments: FieldTable,
                   unbind: Bool) throws(AMQPError) {
        let channel = try controlChannel()
        defer { pool.recycle() }
        if unbind {
            _ = amqp_queue_unbind(connection, channel, pool.bytes(queue), pool.bytes(exchange),
                                  pool.bytes(routingKey), pool.table(arguments))
        } else {
            _ = amqp_queue_bind(connection, channel, pool.bytes(queue), pool.bytes(exchange),
                                pool.bytes(routingKey), pool.table(arguments))
        }
        try check(amqp_get_rpc_reply(connection), call: "queue.\(unbind ? "unbind" : "bind") \(queue)",
                  channel: channel)
    }
}
