import CRabbitMQ

extension CPool {
    /// The properties as `amqp_basic_properties_t`, strings and headers copied into this pool.
    func properties(_ p: MessageProperties) -> amqp_basic_properties_t {
        var c = amqp_basic_properties_t()
        var flags: amqp_flags_t = 0
        func set(_ value: String?, _ flag: amqp_flags_t, _ field: inout amqp_bytes_t) {
            guard let value else { return }
            field = bytes(value)
            flags |= flag
        }
        set(p.contentType, CAMQP_CONTENT_TYPE_FLAG, &c.content_type)
        set(p.contentEncoding, CAMQP_CONTENT_ENCODING_FLAG, &c.content_encoding)
        if let headers = p.headers {
            c.headers = table(headers)
            flags |= CAMQP_HEADERS_FLAG
        }
        if let persistent = p.persistent {
            c.delivery_mode = persistent ? 2 : 1
            flags |= CAMQP_DELIVERY_MODE_FLAG
        }
        if let priority = p.priority {
            c.priority = priority
            flags |= CAMQP_PRIORITY_FLAG
        }
        set(p.correlationID, CAMQP_CORRELATION_ID_FLAG, &c.correlation_id)
        set(p.replyTo, CAMQP_REPLY_TO_FLAG, &c.reply_to)
        set(p.expiration, CAMQP_EXPIRATION_FLAG, &c.expiration)
        set(p.messageID, CAMQP_MESSAGE_ID_FLAG, &c.message_id)
        if let timestamp = p.timestamp {
            c.timestamp = timestamp
            flags |= CAMQP_TIMESTAMP_FLAG
        }
        set(p.type, CAMQP_TYPE_FLAG, &c.type)
        set(p.userID, CAMQP_USER_ID_FLAG, &c.user_id)
        set(p.appID, CAMQP_APP_ID_FLAG, &c.app_id)
        c._flags = flags
        return c
    }
}

extension MessageProperties {
    /// A Swift copy of properties decoded by librabbitmq.
    init(_ c: amqp_basic_properties_t) {
        let flags = c._flags
        func get(_ flag: amqp_flags_t, _ field: amqp_bytes_t) -> String? {
            flags & flag != 0 ? field.string : nil
        }
        self.init(
            contentType: get(CAMQP_CONTENT_TYPE_FLAG, c.content_type),
            contentEncoding: get(CAMQP_CONTENT_ENCODING_FLAG, c.content_encoding),
            headers: flags & CAMQP_HEADERS_FLAG != 0 ? FieldTable(c.headers) : nil,
            persistent: flags & CAMQP_DELIVERY_MODE_FLAG != 0 ? c.delivery_mode == 2 : nil,
            priority: flags & CAMQP_PRIORITY_FLAG != 0 ? c.priority : nil,
            correlationID: get(CAMQP_CORRELATION_ID_FLAG, c.correlation_id),
            replyTo: get(CAMQP_REPLY_TO_FLAG, c.reply_to),
            expiration: get(CAMQP_EXPIRATION_FLAG, c.expiration),
            messageID: get(CAMQP_MESSAGE_ID_FLAG, c.message_id),
            timestamp: flags & CAMQP_TIMESTAMP_FLAG != 0 ? c.timestamp : nil,
            type: get(CAMQP_TYPE_FLAG, c.type),
            userID: get(CAMQP_USER_ID_FLAG, c.user_id),
            appID: get(CAMQP_APP_ID_FLAG, c.app_id))
    }
}
