/// A message delivered to a ``Consumer``. Acknowledge it exactly once with ``ack()``,
/// ``nack(requeue:)`` or ``reject(requeue:)`` (on the channel it came from).
public struct Delivery: Sendable {
    /// The channel-scoped tag that acknowledges this delivery.
    public let deliveryTag: UInt64
    /// True when the broker delivered this message before (to this or another consumer) and it
    /// was not acknowledged.
    public let redelivered: Bool
    /// The exchange it was published to ("" for the default exchange).
    public let exchange: String
    /// The routing key it was published with.
    public let routingKey: String
    /// The consumer it was delivered to.
    public let consumerTag: String
    /// Its properties.
    public let properties: MessageProperties
    /// Its body.
    public let body: [UInt8]
    let channel: ChannelHandle

    /// Acknowledges the delivery (and every earlier one on its channel when `multiple`).
    /// - Throws: ``AMQPError`` if the channel or connection is gone (the broker then redelivers).
    public func ack(multiple: Bool = false) async throws {
        try await channel.acknowledge(deliveryTag, .ack(multiple: multiple))
    }

    /// Negatively acknowledges the delivery: requeued (redelivered later, with `redelivered`
    /// set) or, with `requeue: false`, dropped or dead-lettered.
    public func nack(requeue: Bool = true, multiple: Bool = false) async throws {
        try await channel.acknowledge(deliveryTag, .nack(multiple: multiple, requeue: requeue))
    }

    /// Rejects the delivery (like ``nack(requeue:multiple:)`` for a single message).
    public func reject(requeue: Bool) async throws {
        try await channel.acknowledge(deliveryTag, .reject(requeue: requeue))
    }
}

/// A channel of one connection, as seen from other threads.
struct ChannelHandle: Sendable {
    enum Acknowledgement: Sendable {
        case ack(multiple: Bool)
        case nack(multiple: Bool, requeue: Bool)
        case reject(requeue: Bool)
    }

    let runner: ConnectionRunner
    let number: UInt16

    func acknowledge(_ tag: UInt64, _ kind: Acknowledgement) async throws {
        let number = number
        try await runner.perform { core throws(AMQPError) in try core.acknowledge(tag, kind, channel: number) }
    }
}
