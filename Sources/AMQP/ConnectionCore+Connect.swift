import CRabbitMQ
import Glibc

extension ConnectionCore {
    /// Opens the TCP or TLS socket, logs in with PLAIN, opens the control channel.
    func connect(_ configuration: AMQPConfiguration) throws(AMQPError) {
        guard let socket = try makeSocket(configuration) else {
            throw .library(status: AMQP_STATUS_NO_MEMORY.rawValue, message: "out of memory",
                           call: configuration.tls == nil ? "amqp_tcp_socket_new" : "amqp_ssl_socket_new")
        }
        var connectTimeout = timeval(seconds: configuration.connectionTimeout)
        let status = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &connectTimeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw .status(status, call: "amqp_socket_open", endpoint: endpoint)
        }
        let fd = amqp_get_sockfd(connection)
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
        amqp_set_handshake_timeout(connection, &connectTimeout)
        var rpcTimeout = timeval(seconds: configuration.rpcTimeout)
        amqp_set_rpc_timeout(connection, &rpcTimeout)

        pool.recycle()
        var properties: FieldTable = [
            "capabilities": .table([
                "publisher_confirms": true, "basic.nack": true, "consumer_cancel_notify": true,
                "connection.blocked": true, "authentication_failure_close": true,
            ]),
        ]
        if let name = configuration.connectionName { properties["connection_name"] = .string(name) }
        var table = pool.table(properties)
        let reply = camqp_login_plain_with_properties(
            connection, configuration.vhost, Int32(configuration.channelMax), Int32(configuration.frameMax),
            Int32(configuration.heartbeat), &table, configuration.user, configuration.password)
        pool.recycle()
        try check(reply, call: "amqp_login", channel: 0)
        heartbeat = Int(amqp_get_heartbeat(connection))
        let negotiated = amqp_get_channel_max(connection)
        channelMax = negotiated > 0 ? UInt16(clamping: negotiated) : UInt16.max
        try openChannel(Self.controlChannel, role: .control)
        lastReceive = monotonicNanoseconds()
    }

    private func makeSocket(_ configuration: AMQPConfiguration) throws(AMQPError) -> OpaquePointer? {
        guard let tls = configuration.tls else { return amqp_tcp_socket_new(connection) }
        guard let socket = amqp_ssl_socket_new(connection) else { return nil }
        amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
        amqp_ssl_socket_set_verify_hostname(socket, tls.verifyPeer ? 1 : 0)
        if let caFile = tls.caFile {
            let status = amqp_ssl_socket_set_cacert(socket, caFile)
            guard status == AMQP_STATUS_OK.rawValue else {
                throw .tls(status: status, message: "cannot load CA file \(caFile)", endpoint: endpoint)
            }
        }
        if let certificate = tls.certificateFile, let key = tls.keyFile {
            let status = amqp_ssl_socket_set_key(socket, certificate, key)
            guard status == AMQP_STATUS_OK.rawValue else {
                throw .tls(status: status, message: "cannot load client certificate \(certificate)",
                           endpoint: endpoint)
            }
        }
        return socket
    }
}

extension timeval {
    /// A timeval of `seconds` (fractions kept to the microsecond).
    init(seconds: Double) {
        let whole = seconds.rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }
}
