import CRabbitMQ
import PosixIO

extension ConnectionCore {
    /// Opens a confirm-mode channel for publisher `id` (`confirm.select`).
    func openPublisherChannel(id: Int) throws(AMQPError) -> UInt16 {
        if let terminal { throw terminal }
        if let number = publisherChannels[id] { return number }
        let number = try allocateChannel()
        try openChannel(number, role: .publisher(id: id))
        _ = amqp_confirm_select(connection, number)
        try check(amqp_get_rpc_reply(connection), call: "confirm.select", channel: number)
        publisherChannels[id] = number
        return number
    }

    /// Publishes `messages` on publisher `id`'s channel; `completion` gets one outcome per
    /// message once every confirm arrived (or the channel ended). While the broker blocks the
    /// connection the batch waits, so the owner thread never blocks in a full socket.
    func publish(id: Int, _ messages: [OutgoingMessage],
                 completion: @escaping @Sendable ([PublishOutcome]) -> Void) {
        if terminal == nil, runner.blockedReason != nil {
            deferredWhileBlocked.append { [unowned self] in self.publish(id: id, messages, completion: completion) }
            return
        }
        let batchID = nextBatchID
        nextBatchID += 1
        let batch = PendingBatch(count: messages.count, completion: completion)
        let channel: UInt16
        do throws(AMQPError) {
            channel = try openPublisherChannel(id: id)
        } catch {
            for index in messages.indices { _ = batch.resolve(index, .notSent(error)) }
            if messages.isEmpty { _ = batch.finishIfDone() }
            return
        }
        pendingBatches[batchID] = batch
        for (index, message) in messages.enumerated() {
            if let error = terminal ?? (channels[channel] == nil ? .channelClosed(code: 0, text: "channel closed") : nil) {
                if batch.resolve(index, .notSent(error)) { pendingBatches[batchID] = nil }
                continue
            }
            let status = send(message, channel: channel)
            guard status == AMQP_STATUS_OK.rawValue else {
                let error = AMQPError.status(status, call: "amqp_basic_publish", endpoint: endpoint)
                if batch.resolve(index, .notSent(error)) { pendingBatches[batchID] = nil }
                fail(error)  // a failed write leaves the frame stream in an unknown state
                continue
            }
            StageTrace.mark("amqp.sent", [message.properties.messageID ?? ""])
            channels[channel]?.tracker.sent(
                owner: .init(batch: batchID, index: index), mandatory: message.mandatory,
                exchange: message.exchange, routingKey: message.routingKey, messageID: message.properties.messageID)
        }
        if pendingBatches[batchID] != nil, batch.finishIfDone() { pendingBatches[batchID] = nil }
    }

    /// One `basic.publish` with the body pinned for the call; everything else is copied into
    /// the pool, which is recycled once the call returned.
    private func send(_ message: OutgoingMessage, channel: UInt16) -> Int32 {
        defer { pool.recycle() }
        var properties = pool.properties(message.properties)
        let exchange = pool.bytes(message.exchange)
        let routingKey = pool.bytes(message.routingKey)
        return message.body.withUnsafeBytes { body in
            amqp_basic_publish(connection, channel, exchange, routingKey, message.mandatory ? 1 : 0, 0, &properties,
                               amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
        }
    }

    /// Handles `basic.ack` / `basic.nack` on a publisher channel.
    func confirm(channel: UInt16, tag: UInt64, multiple: Bool, ack: Bool) {
        guard let state = channels[channel] else { return }
        apply(state.tracker.confirm(tag: tag, multiple: multiple, ack: ack))
    }

    /// Hands outcomes to their batches; completes the batches that are done.
    func apply(_ resolutions: [ConfirmTracker.Resolution]) {
        for resolution in resolutions {
            guard let batch = pendingBatches[resolution.owner.batch] else { continue }
            if batch.resolve(resolution.owner.index, resolution.outcome) {
                pendingBatches[resolution.owner.batch] = nil
            }
        }
    }

    /// Closes publisher `id`'s channel; its unconfirmed messages become `.unknown`.
    func closePublisher(id: Int) {
        guard let number = publisherChannels[id] else { return }
        closeChannel(number)
    }
}
