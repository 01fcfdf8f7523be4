/// The deliveries of one consumer, as an `AsyncSequence` (iterate it once).
///
/// The sequence ends normally after ``cancel()`` or when the connection is closed by us, and
/// with an error when the broker cancels the consumer (its queue was deleted:
/// ``AMQPError/consumerCancelledByBroker(queue:)``), closes its channel, or the connection is
/// lost. Deliveries not acknowledged by then are redelivered by the broker to another consumer.
public final class Consumer: AsyncSequence, Sendable {
    public typealias Element = Delivery
    private let stream: AsyncThrowingStream<Delivery, Error>
    private let runner: ConnectionRunner
    private let channel: UInt16
    /// The queue consumed.
    public let queue: String
    /// The consumer tag (chosen by the broker unless given).
    public let consumerTag: String

    init(stream: AsyncThrowingStream<Delivery, Error>, runner: ConnectionRunner, channel: UInt16,
         queue: String, consumerTag: String) {
        self.stream = stream
        self.runner = runner
        self.channel = channel
        self.queue = queue
        self.consumerTag = consumerTag
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<Delivery, Error>.AsyncIterator {
        stream.makeAsyncIterator()
    }

    /// Stops the consumer (`basic.cancel`) and closes its channel; unacknowledged deliveries go
    /// back to the queue and the sequence ends.
    public func cancel() async {
        let channel = channel
        _ = try? await runner.perform { core in core.cancelConsumer(channel: channel) }
    }
}
