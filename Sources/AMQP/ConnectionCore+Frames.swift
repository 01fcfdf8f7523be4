import CRabbitMQ
import PosixIO

extension ConnectionCore {
    /// Dispatches one frame read by the loop. Decoded data lives in librabbitmq's buffers until
    /// `amqp_maybe_release_buffers`, so everything kept is copied into Swift values here.
    func handle(_ frame: amqp_frame_t) {
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD), let decoded = frame.payload.method.decoded else {
            return  // a stray header/body frame: content is read right after its method below
        }
        let channel = frame.channel
        switch frame.payload.method.id {
        case CAMQP_BASIC_ACK:
            let ack = decoded.load(as: amqp_basic_ack_t.self)
            confirm(channel: channel, tag: ack.delivery_tag, multiple: ack.multiple != 0, ack: true)
        case CAMQP_BASIC_NACK:
            let nack = decoded.load(as: amqp_basic_nack_t.self)
            confirm(channel: channel, tag: nack.delivery_tag, multiple: nack.multiple != 0, ack: false)
        case CAMQP_BASIC_DELIVER:
            let deliver = decoded.load(as: amqp_basic_deliver_t.self)
            let consumerTag = deliver.consumer_tag.string
            let exchange = deliver.exchange.string
            let routingKey = deliver.routing_key.string
            guard let (properties, body) = readContent(channel: channel) else { return }
            self.deliver(channel: channel, Delivery(
                deliveryTag: deliver.delivery_tag, redelivered: deliver.redelivered != 0, exchange: exchange,
                routingKey: routingKey, consumerTag: consumerTag, properties: properties, body: body,
                channel: ChannelHandle(runner: runner, number: channel)))
        case CAMQP_BASIC_RETURN:
            let returned = decoded.load(as: amqp_basic_return_t.self)
            let code = returned.reply_code
            let text = returned.reply_text.string
            let exchange = returned.exchange.string
            let routingKey = returned.routing_key.string
            guard let (properties, _) = readContent(channel: channel) else { return }
            let matched = channels[channel]?.tracker.returned(
                exchange: exchange, routingKey: routingKey, messageID: properties.messageID, code: code, text: text)
            if matched != true {
                logger.warning("AMQP return matched no outstanding publish",
                               metadata: ["routing_key": "\(routingKey)", "code": "\(code)"])
            }
        case CAMQP_BASIC_CANCEL:
            let cancel = decoded.load(as: amqp_basic_cancel_t.self)
            let tag = cancel.consumer_tag
            if cancel.nowait == 0 {
                var ok = amqp_basic_cancel_ok_t(consumer_tag: tag)
                _ = amqp_send_method(connection, channel, CAMQP_BASIC_CANCEL_OK, &ok)
            }
            if case .consumer(let sink)? = channels[channel]?.role {
                logger.info("AMQP consumer cancelled by broker", metadata: ["queue": "\(sink.queue)"])
                channelEnded(channel, error: .consumerCancelledByBroker(queue: sink.queue))
                closeChannelQuietly(channel)
            }
        case CAMQP_CHANNEL_CLOSE:
            let close = decoded.load(as: amqp_channel_close_t.self)
            let error = AMQPError.channelClosed(code: close.reply_code, text: close.reply_text.string)
            sendChannelCloseOk(channel)
            logger.warning("AMQP channel closed by broker", metadata: ["channel": "\(channel)", "error": "\(error)"])
            channelEnded(channel, error: error)
        case CAMQP_CONNECTION_CLOSE:
            let close = decoded.load(as: amqp_connection_close_t.self)
            sendConnectionCloseOk()
            fail(.connectionClosed(code: close.reply_code, text: close.reply_text.string))
        case CAMQP_CONNECTION_BLOCKED:
            let blocked = decoded.load(as: amqp_connection_blocked_t.self)
            let reason = blocked.reason.string
            logger.warning("AMQP connection blocked by broker", metadata: ["reason": "\(reason)"])
            runner.setBlocked(reason.isEmpty ? "blocked" : reason)
        case CAMQP_CONNECTION_UNBLOCKED:
            logger.info("AMQP connection unblocked by broker")
            runner.setBlocked(nil)
            let deferred = deferredWhileBlocked
            deferredWhileBlocked = []
            for call in deferred { call() }
        default:
            break  // cancel-ok and other replies to calls made without waiting
        }
    }

    /// Reads the header and body frames that follow a deliver or return method.
    private func readContent(channel: UInt16) -> (MessageProperties, [UInt8])? {
        var message = amqp_message_t()
        let reply = amqp_read_message(connection, channel, &message, 0)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            // On failure amqp_read_message has already emptied the message's pool.
            try? check(reply, call: "amqp_read_message", channel: channel)
            return nil
        }
        defer { amqp_destroy_message(&message) }
        return (MessageProperties(message.properties), message.body.array)
    }

    private func deliver(channel: UInt16, _ delivery: Delivery) {
        guard case .consumer(let sink)? = channels[channel]?.role else { return }
        StageTrace.mark("amqp.delivered", [delivery.properties.messageID ?? ""])
        sink.continuation.yield(delivery)
    }

    /// Answers a broker-side cancel by closing the consumer's channel (its unacked deliveries
    /// were already given back by the broker); the channel is already forgotten.
    private func closeChannelQuietly(_ number: UInt16) {
        let reply = amqp_channel_close(connection, number, Int32(AMQP_REPLY_SUCCESS))
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION { try? check(reply, call: "amqp_channel_close", channel: number) }
    }
}
