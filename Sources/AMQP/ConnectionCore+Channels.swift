import CRabbitMQ

extension ConnectionCore {
    /// Turns a librabbitmq RPC reply into success or a typed error. A broker `channel.close` is
    /// answered with close-ok and ends that channel; a `connection.close` or a library failure
    /// (socket, timeout: the stream's state is then unknown) ends the connection.
    func check(_ reply: amqp_rpc_reply_t, call: String, channel: UInt16) throws(AMQPError) {
        lastReceive = monotonicNanoseconds()
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            let error = AMQPError.status(reply.library_error, call: call, endpoint: endpoint)
            fail(error)
            throw error
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            guard let decoded = reply.reply.decoded else { break }
            if reply.reply.id == CAMQP_CHANNEL_CLOSE {
                let close = decoded.load(as: amqp_channel_close_t.self)
                let error = AMQPError.channelClosed(code: close.reply_code, text: close.reply_text.string)
                sendChannelCloseOk(channel)
                channelEnded(channel, error: error)
                throw error
            }
            if reply.reply.id == CAMQP_CONNECTION_CLOSE {
                let close = decoded.load(as: amqp_connection_close_t.self)
                let error = AMQPError.connectionClosed(code: close.reply_code, text: close.reply_text.string)
                sendConnectionCloseOk()
                fail(error)
                throw error
            }
        default:
            break
        }
        let error = AMQPError.library(status: 0, message: "no RPC reply", call: call)
        fail(error)
        throw error
    }

    func sendChannelCloseOk(_ channel: UInt16) {
        var ok = amqp_channel_close_ok_t(dummy: 0)
        _ = amqp_send_method(connection, channel, CAMQP_CHANNEL_CLOSE_OK, &ok)
    }

    func sendConnectionCloseOk() {
        var ok = amqp_connection_close_ok_t(dummy: 0)
        _ = amqp_send_method(connection, 0, CAMQP_CONNECTION_CLOSE_OK, &ok)
    }

    /// Opens channel `number` for `role`.
    func openChannel(_ number: UInt16, role: ChannelState.Role) throws(AMQPError) {
        _ = amqp_channel_open(connection, number)
        try check(amqp_get_rpc_reply(connection), call: "amqp_channel_open", channel: number)
        channels[number] = ChannelState(number: number, role: role)
    }

    /// A channel number not in use (channel 1 is the control channel).
    func allocateChannel() throws(AMQPError) -> UInt16 {
        if nextChannel <= channelMax, channels[nextChannel] == nil {
            defer { nextChannel += 1 }
            return nextChannel
        }
        guard let free = (2...max(2, channelMax)).first(where: { channels[$0] == nil }) else {
            throw .invalidArgument("all \(channelMax) channels are in use")
        }
        return free
    }

    /// Channel 1, reopened if the broker closed it after a failed declaration.
    func controlChannel() throws(AMQPError) -> UInt16 {
        if let terminal { throw terminal }
        if channels[Self.controlChannel] == nil { try openChannel(Self.controlChannel, role: .control) }
        return Self.controlChannel
    }

    /// Closes a channel from our side (consumer cancel, publisher close).
    func closeChannel(_ number: UInt16) {
        guard channels[number] != nil, terminal == nil else { return }
        flushAcks(channel: number)
        let reply = amqp_channel_close(connection, number, Int32(AMQP_REPLY_SUCCESS))
        channelEnded(number, error: .closedByClient)
        try? check(reply, call: "amqp_channel_close", channel: number)
    }

    /// Forgets a channel that is gone and tells its users why.
    func channelEnded(_ number: UInt16, error: AMQPError) {
        guard let channel = channels.removeValue(forKey: number) else { return }
        switch channel.role {
        case .control:
            break
        case .publisher(let id):
            publisherChannels[id] = nil
            apply(channel.tracker.failAll(error))
        case .consumer(let sink):
            if error == .closedByClient { sink.continuation.finish() }
            else { sink.continuation.finish(throwing: error) }
        }
    }
}
