import CRabbitMQ

/// An error from the AMQP client: a broker reply (with its AMQP reply code), a librabbitmq
/// status, or a state of this client. Descriptions never contain passwords.
///
/// ```swift
/// do { try await connection.declareQueue("jobs.echo", passive: true) }
/// catch AMQPError.channelClosed(let code, _) where code == AMQPError.notFound { ... }
/// ```
public enum AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL or an option in it is invalid; the text names the part, never the password.
    case invalidURL(String)
    /// The broker closed the connection (`connection.close`): reply code and text.
    case connectionClosed(code: UInt16, text: String)
    /// The broker closed a channel (`channel.close`), e.g. 404 for a missing exchange or
    /// 406 for a queue re-declared with other arguments.
    case channelClosed(code: UInt16, text: String)
    /// A librabbitmq call failed: its status code, `amqp_error_string2` text, and the call.
    case library(status: Int32, message: String, call: String)
    /// TCP connect or read/write failure (status and text from librabbitmq, plus the endpoint).
    case socket(status: Int32, message: String, endpoint: String)
    /// TLS handshake or verification failure.
    case tls(status: Int32, message: String, endpoint: String)
    /// No frame (not even a heartbeat) arrived within two heartbeat intervals.
    case heartbeatTimeout
    /// The broker cancelled the consumer (`basic.cancel`, e.g. its queue was deleted).
    case consumerCancelledByBroker(queue: String)
    /// The connection was closed by this client (`close()`).
    case closedByClient
    /// The reconnecting wrapper has no live connection right now.
    case notConnected
    /// An argument was rejected before anything was sent.
    case invalidArgument(String)

    /// AMQP reply code 404 NOT_FOUND (missing exchange or queue).
    public static let notFound: UInt16 = 404
    /// AMQP reply code 406 PRECONDITION_FAILED (e.g. inequivalent queue arguments).
    public static let preconditionFailed: UInt16 = 406
    /// AMQP reply code 312 NO_ROUTE (a mandatory message matched no queue).
    public static let noRoute: UInt16 = 312
    /// AMQP reply code 320 CONNECTION_FORCED (operator closed the connection, broker shutdown).
    public static let connectionForced: UInt16 = 320

    public var description: String {
        switch self {
        case .invalidURL(let why): "invalid AMQP URL: \(why)"
        case .connectionClosed(let code, let text): "connection closed by broker: \(code) \(text)"
        case .channelClosed(let code, let text): "channel closed by broker: \(code) \(text)"
        case .library(let status, let message, let call): "\(call) failed: \(message) (\(status))"
        case .socket(let status, let message, let endpoint):
            "socket error with \(endpoint): \(message) (\(status))"
        case .tls(let status, let message, let endpoint):
            "TLS error with \(endpoint): \(message) (\(status))"
        case .heartbeatTimeout: "no heartbeat from broker within two intervals"
        case .consumerCancelledByBroker(let queue): "consumer on queue \(queue) cancelled by broker"
        case .closedByClient: "connection closed by client"
        case .notConnected: "not connected to the broker"
        case .invalidArgument(let why): "invalid argument: \(why)"
        }
    }

    /// True when the error ended the whole connection (a reconnect is the only way on).
    public var isConnectionLevel: Bool {
        switch self {
        case .connectionClosed, .socket, .tls, .heartbeatTimeout, .closedByClient, .notConnected:
            true
        case .library(let status, _, _):
            status == AMQP_STATUS_CONNECTION_CLOSED.rawValue
                || status == AMQP_STATUS_SOCKET_ERROR.rawValue
                || status == AMQP_STATUS_SOCKET_CLOSED.rawValue
                || status == AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue
                || status == AMQP_STATUS_TIMEOUT.rawValue
        default: false
        }
    }
}

extension AMQPError {
    /// Maps a librabbitmq status code to an error, classifying socket and TLS failures.
    static func status(_ status: Int32, call: String, endpoint: String) -> AMQPError {
        let message = String(cString: amqp_error_string2(status))
        if status == AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue { return .heartbeatTimeout }
        if status <= AMQP_STATUS_SSL_ERROR.rawValue && status > _AMQP_STATUS_SSL_NEXT_VALUE.rawValue {
            return .tls(status: status, message: message, endpoint: endpoint)
        }
        if (status <= AMQP_STATUS_TCP_ERROR.rawValue && status > _AMQP_STATUS_TCP_NEXT_VALUE.rawValue)
            || status == AMQP_STATUS_SOCKET_ERROR.rawValue
            || status == AMQP_STATUS_CONNECTION_CLOSED.rawValue
            || status == AMQP_STATUS_SOCKET_CLOSED.rawValue
            || status == AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED.rawValue
        {
            return .socket(status: status, message: message, endpoint: endpoint)
        }
        return .library(status: status, message: message, call: call)
    }
}
