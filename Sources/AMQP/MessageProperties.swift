/// The AMQP `basic` properties of a message. Nil fields are not sent.
///
/// ```swift
/// let properties = MessageProperties(contentType: "application/json", messageID: taskID,
///                                    priority: 5)   // persistent by default
/// ```
public struct MessageProperties: Sendable, Hashable {
    /// MIME type of the body.
    public var contentType: String?
    /// MIME encoding of the body.
    public var contentEncoding: String?
    /// Application headers.
    public var headers: FieldTable?
    /// True for delivery mode 2 (written to disk by durable queues), false for mode 1;
    /// nil leaves the property out (the broker treats that as transient).
    public var persistent: Bool?
    /// Priority 0-9 for queues declared with `x-max-priority`.
    public var priority: UInt8?
    /// Correlation id for request/reply.
    public var correlationID: String?
    /// Reply queue for request/reply.
    public var replyTo: String?
    /// Per-message TTL in milliseconds, as a decimal string.
    public var expiration: String?
    /// Application message id (the task id for jobs).
    public var messageID: String?
    /// Seconds since the epoch.
    public var timestamp: UInt64?
    /// Application message type name.
    public var type: String?
    /// Validated by the broker against the connection's user when set.
    public var userID: String?
    /// Application id.
    public var appID: String?

    /// Properties with the given fields; messages are persistent unless told otherwise.
    public init(contentType: String? = nil, contentEncoding: String? = nil,
                headers: FieldTable? = nil, persistent: Bool? = true, priority: UInt8? = nil,
                correlationID: String? = nil, replyTo: String? = nil, expiration: String? = nil,
                messageID: String? = nil, timestamp: UInt64? = nil, type: String? = nil,
                userID: String? = nil, appID: String? = nil) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.persistent = persistent
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
    }
}
