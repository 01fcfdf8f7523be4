/// A message to publish: where to, the body, its properties.
///
/// ```swift
/// let message = OutgoingMessage(exchange: "jobs", routingKey: "jobs.echo", body: Array(json.utf8),
///                               properties: MessageProperties(contentType: "application/json",
///                                                             messageID: taskID, priority: 3))
/// ```
public struct OutgoingMessage: Sendable, Hashable {
    /// Exchange name ("" is the default exchange, which routes by queue name).
    public var exchange: String
    /// Routing key.
    public var routingKey: String
    /// The body bytes.
    public var body: [UInt8]
    /// Properties (persistent by default).
    public var properties: MessageProperties
    /// Ask the broker to return the message (``PublishOutcome/returned(code:text:)``) when it
    /// matches no queue, instead of dropping it.
    public var mandatory: Bool

    /// A message; mandatory by default, so an unroutable message is reported, never lost silently.
    public init(exchange: String, routingKey: String, body: [UInt8],
                properties: MessageProperties = MessageProperties(), mandatory: Bool = true) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }
}

/// What became of one published message.
public enum PublishOutcome: Sendable, Equatable {
    /// The broker confirmed it (`basic.ack`): it is in every queue it routed to.
    case confirmed
    /// The broker refused it (`basic.nack`); publish it again later.
    case nacked
    /// A mandatory message matched no queue (`basic.return`, e.g. 312 NO_ROUTE); it is not queued.
    case returned(code: UInt16, text: String)
    /// Sent, but the connection or channel ended before the confirm: it may or may not be queued.
    case unknown(AMQPError)
    /// Never sent (no connection, or an error before it was written); safe to publish again.
    case notSent(AMQPError)

    /// True for ``confirmed``.
    public var isConfirmed: Bool { self == .confirmed }
}

/// Thrown by ``Publisher/publishConfirmed(_:)`` when some messages of a batch were not confirmed.
public struct PublishError: Error, Sendable, CustomStringConvertible {
    /// The outcome of every message of the batch, in order.
    public var outcomes: [PublishOutcome]

    /// Indices of the messages that were not confirmed.
    public var failedIndices: [Int] { outcomes.indices.filter { !outcomes[$0].isConfirmed } }

    public var description: String {
        "\(failedIndices.count) of \(outcomes.count) messages not confirmed"
    }
}
