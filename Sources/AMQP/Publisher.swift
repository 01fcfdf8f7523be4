/// Publishes with publisher confirms on a channel of its own. Concurrent calls are fine: each
/// call's messages are tracked by sequence number and it returns when all of its own are settled.
///
/// ```swift
/// let outcomes = await publisher.publish(batch)         // one outcome per message
/// try await publisher.publishConfirmed(batch)            // or: throw unless all confirmed
/// ```
public final class Publisher: Sendable {
    let runner: ConnectionRunner
    let id: Int

    init(runner: ConnectionRunner, id: Int) {
        self.runner = runner
        self.id = id
    }

    /// Publishes every message (in order), then waits until each is confirmed, nacked, returned
    /// or unknown; never throws. Unconfirmed messages of a lost connection come back as
    /// ``PublishOutcome/unknown(_:)``, messages never written as ``PublishOutcome/notSent(_:)``:
    /// a transactional outbox publishes both again. While the broker blocks the connection
    /// (`connection.blocked`) the call waits. If the broker closed the channel (e.g. 404 for a
    /// missing exchange), the next call opens a new one.
    ///
    /// - Parameter messages: the batch; its order is kept on the wire.
    /// - Returns: one outcome per message, in the same order.
    public func publish(_ messages: [OutgoingMessage]) async -> [PublishOutcome] {
        let id = id
        let count = messages.count
        return await withCheckedContinuation { continuation in
            runner.submit(.init(
                run: { core in core.publish(id: id, messages) { continuation.resume(returning: $0) } },
                fail: { continuation.resume(returning: Array(repeating: .notSent($0), count: count)) }))
        }
    }

    /// Publishes a batch and throws unless every message was confirmed.
    /// - Throws: ``PublishError`` with every message's outcome.
    public func publishConfirmed(_ messages: [OutgoingMessage]) async throws {
        let outcomes = await publish(messages)
        if !outcomes.allSatisfy(\.isConfirmed) { throw PublishError(outcomes: outcomes) }
    }

    /// Publishes one message and waits for its confirm.
    /// - Throws: ``PublishError`` when it was nacked, returned, or its fate is unknown.
    public func publish(_ message: OutgoingMessage) async throws {
        try await publishConfirmed([message])
    }

    /// Closes the publisher's channel; unconfirmed messages become `.unknown`.
    public func close() async {
        let id = id
        _ = try? await runner.perform { core in core.closePublisher(id: id) }
    }
}
