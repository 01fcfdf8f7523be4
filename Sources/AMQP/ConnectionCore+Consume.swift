import CRabbitMQ

extension ConnectionCore {
    /// Opens a channel, sets its prefetch (`basic.qos`), starts a consumer (manual ack) and
    /// returns the channel and consumer tag; deliveries go to `sink` until it ends.
    func startConsumer(_ sink: ConsumerSink, prefetch: UInt16, consumerTag: String, exclusive: Bool,
                       arguments: FieldTable) throws(AMQPError) -> (channel: UInt16, tag: String) {
        if let terminal { throw terminal }
        let number = try allocateChannel()
        try openChannel(number, role: .consumer(sink))
        _ = amqp_basic_qos(connection, number, 0, prefetch, 0)
        try check(amqp_get_rpc_reply(connection), call: "basic.qos", channel: number)
        defer { pool.recycle() }
        let ok = amqp_basic_consume(connection, number, pool.bytes(sink.queue), pool.bytes(consumerTag),
                                    0, 0, exclusive ? 1 : 0, pool.table(arguments))
        try check(amqp_get_rpc_reply(connection), call: "basic.consume \(sink.queue)", channel: number)
        sink.consumerTag = ok?.pointee.consumer_tag.string ?? consumerTag
        return (number, sink.consumerTag)
    }

    /// Stops a consumer from our side: `basic.cancel`, then closes its channel (the broker
    /// requeues what it had delivered and was not acknowledged). Its stream finishes normally.
    func cancelConsumer(channel number: UInt16) {
        guard case .consumer(let sink)? = channels[number]?.role, terminal == nil else { return }
        flushAcks(channel: number)  // what was acked before the cancel is not redelivered
        defer { pool.recycle() }
        _ = amqp_basic_cancel(connection, number, pool.bytes(sink.consumerTag))
        if (try? check(amqp_get_rpc_reply(connection), call: "basic.cancel", channel: number)) != nil {
            closeChannel(number)
        }
    }

    /// Acknowledges `tag` on `channel`: an ack alone waits for the end of the loop's turn
    /// (``flushAcks()``), to go out with the others as one `multiple` ack; nack, reject and an
    /// ack with `multiple` are sent at once.
    func acknowledge(_ tag: UInt64, _ kind: ChannelHandle.Acknowledgement, channel: UInt16) throws(AMQPError) {
        if let terminal { throw terminal }
        guard let state = channels[channel] else { throw .channelClosed(code: 0, text: "channel \(channel) is closed") }
        if case .ack(multiple: false) = kind {
            state.acks.requestAck(tag)
            channelsWithAcks.insert(channel)
            return
        }
        // Acks requested before go first, while `tag` still counts as unsettled: the wire keeps
        // the application's order (a nack with `multiple` must not requeue a delivery acked a
        // moment ago, and no `multiple` ack may pass over `tag` before its own frame is sent).
        flushAcks(channel: channel)
        switch kind {
        case .ack(multiple: true), .nack(multiple: true, _): state.acks.settled(through: tag)
        default: state.acks.settled(tag)
        }
        try send(tag, kind, channel: channel)
    }

    /// Sends the acks requested during this turn of the loop, per channel as few frames as
    /// ``AckCoalescer`` allows.
    func flushAcks() {
        let numbers = channelsWithAcks
        channelsWithAcks = []
        for number in numbers.sorted() { flushAcks(channel: number) }
    }

    func flushAcks(channel number: UInt16) {
        guard terminal == nil, let state = channels[number], state.acks.hasPending else { return }
        let (through, singles) = state.acks.flush()
        do throws(AMQPError) {
            if let through { try send(through, .ack(multiple: true), channel: number) }
            for tag in singles { try send(tag, .ack(multiple: false), channel: number) }
        } catch {
            // send() has ended the connection: the broker requeues what was not acknowledged.
        }
    }

    private func send(_ tag: UInt64, _ kind: ChannelHandle.Acknowledgement, channel: UInt16) throws(AMQPError) {
        let status: Int32 = switch kind {
        case .ack(let multiple): amqp_basic_ack(connection, channel, tag, multiple ? 1 : 0)
        case .nack(let multiple, let requeue): amqp_basic_nack(connection, channel, tag, multiple ? 1 : 0, requeue ? 1 : 0)
        case .reject(let requeue): amqp_basic_reject(connection, channel, tag, requeue ? 1 : 0)
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            let error = AMQPError.status(status, call: "basic.ack", endpoint: endpoint)
            fail(error)
            throw error
        }
    }

    /// Closes the connection from our side: consumers finish, outstanding publishes become
    /// `.unknown(.closedByClient)`.
    func close() {
        guard terminal == nil else { return }
        flushAcks()  // acks already reported as done reach the broker
        let reply = amqp_connection_close(connection, Int32(AMQP_REPLY_SUCCESS))
        if reply.reply_type != AMQP_RESPONSE_NORMAL {
            logger.debug("AMQP connection.close got no clean reply")
        }
        fail(.closedByClient)
    }
}
