/// What the owner thread knows about one open channel. Not Sendable: owner thread only.
final class ChannelState {
    enum Role {
        /// Channel 1: declarations and bindings.
        case control
        /// A confirm-mode channel for a ``Publisher``, keyed by the publisher's id.
        case publisher(id: Int)
        /// A channel with one consumer on it.
        case consumer(ConsumerSink)
    }

    let number: UInt16
    let role: Role
    var tracker = ConfirmTracker()
    /// Acks of a consumer channel waiting for the end of the loop's turn.
    var acks = AckCoalescer()

    init(number: UInt16, role: Role) {
        self.number = number
        self.role = role
    }
}

/// Where a consumer's deliveries go; owner thread only.
final class ConsumerSink {
    let queue: String
    var consumerTag = ""
    let continuation: AsyncThrowingStream<Delivery, Error>.Continuation

    init(queue: String, continuation: AsyncThrowingStream<Delivery, Error>.Continuation) {
        self.queue = queue
        self.continuation = continuation
    }
}

/// The outcomes of one `publish` call while its confirms are outstanding; owner thread only.
final class PendingBatch {
    private var outcomes: [PublishOutcome?]
    private var remaining: Int
    private let completion: @Sendable ([PublishOutcome]) -> Void

    init(count: Int, completion: @escaping @Sendable ([PublishOutcome]) -> Void) {
        outcomes = Array(repeating: nil, count: count)
        remaining = count
        self.completion = completion
    }

    /// Records one outcome; returns true (and calls the completion) when it was the last.
    func resolve(_ index: Int, _ outcome: PublishOutcome) -> Bool {
        guard outcomes[index] == nil else { return false }
        outcomes[index] = outcome
        remaining -= 1
        return finishIfDone()
    }

    /// Calls the completion if nothing is outstanding (e.g. an empty batch); true if it did.
    func finishIfDone() -> Bool {
        guard remaining == 0 else { return false }
        completion(outcomes.map { $0! })
        return true
    }
}
