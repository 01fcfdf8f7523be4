/// Where and how to connect to a broker. Parse one from a URL with
/// ``AMQPConfiguration/init(url:)``; every field has a default.
///
/// ```swift
/// var config = try AMQPConfiguration(url: "amqps://app:secret@mq.example:5671/prod?heartbeat=10")
/// config.tls?.caFile = "/etc/ssl/mq-ca.pem"
/// ```
public struct AMQPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// TLS settings for `amqps` connections.
    public struct TLS: Sendable, Equatable {
        /// Verify the broker's certificate chain and host name (on by default).
        public var verifyPeer: Bool = true
        /// PEM file with the CA certificates to trust; nil uses none beyond the library's.
        public var caFile: String?
        /// Client certificate (PEM) for mutual TLS, with its key file.
        public var certificateFile: String?
        /// Client private key (PEM) for mutual TLS.
        public var keyFile: String?

        /// TLS with peer verification on.
        public init(verifyPeer: Bool = true, caFile: String? = nil,
                    certificateFile: String? = nil, keyFile: String? = nil) {
            self.verifyPeer = verifyPeer
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// Broker host name or address.
    public var host: String = "localhost"
    /// Broker port (5672, or 5671 for TLS).
    public var port: Int = 5672
    /// User name for SASL PLAIN.
    public var user: String = "guest"
    /// Password for SASL PLAIN; never printed.
    public var password: String = "guest"
    /// Virtual host ("/" by default).
    public var vhost: String = "/"
    /// Heartbeat interval in seconds requested from the broker; 0 disables heartbeats.
    public var heartbeat: Int = 30
    /// Largest frame size requested, bytes (librabbitmq's default 128 KiB).
    public var frameMax: Int = 131_072
    /// Largest channel number requested; 0 means the broker's limit.
    public var channelMax: Int = 0
    /// Limit for TCP connect, TLS and AMQP handshake, in seconds.
    public var connectionTimeout: Double = 10
    /// Limit for one synchronous broker call (declare, bind, qos, consume, close), in seconds.
    public var rpcTimeout: Double = 30
    /// TLS settings; nil for plain TCP.
    public var tls: TLS?
    /// Name shown by the management tools (`rabbitmqctl list_connections client_properties`).
    public var connectionName: String?

    /// The defaults: guest@localhost:5672, vhost "/", heartbeat 30 s, no TLS.
    public init() {}

    /// "host:port", for errors and logs.
    public var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The URL without the password.
    public var description: String {
        "\(tls == nil ? "amqp" : "amqps")://\(user)@\(endpoint)/\(vhost) heartbeat=\(heartbeat)"
    }
}
