import CLinuxShims
import Glibc

/// A TCP socket descriptor (close-on-exec) with exactly one owner, who closes it once.
///
/// Not `Sendable`: an event loop owns its sockets and uses them from its own thread.
///
/// ```swift
/// let listener = try Socket.listen(host: "127.0.0.1", port: 0)
/// let port = try listener.localPort()
/// ```
public final class Socket {
    /// The descriptor, or -1 once closed.
    public private(set) var fd: Int32

    /// Takes ownership of an open descriptor.
    public init(owning fd: Int32) { self.fd = fd }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Opens a non-blocking listening socket on an IPv4 address (`port` 0 picks a free port).
    public static func listen(host: String, port: UInt16, backlog: Int32 = 1024) throws -> Socket {
        let socket = Socket(owning: try systemCall("socket") {
            cshim_socket_nonblocking(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        })
        try socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1)
        var address = try makeAddress(host: host, port: port)
        _ = try withUnsafePointer(to: &address) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw throws(SystemError) in
                try systemCall("bind") { bind(socket.fd, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        _ = try systemCall("listen") { Glibc.listen(socket.fd, backlog) }
        return socket
    }

    /// Connects a blocking client socket to an IPv4 address (for clients and tests).
    public static func connect(host: String, port: UInt16) throws -> Socket {
        let socket = Socket(owning: try systemCall("socket") {
            cshim_socket_cloexec(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        })
        var address = try makeAddress(host: host, port: port)
        _ = try withUnsafePointer(to: &address) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw throws(SystemError) in
                try systemCall("connect") {
                    Glibc.connect(socket.fd, raw, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return socket
    }

    private static func makeAddress(host: String, port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SystemError(call: "inet_pton(\(host))", errno: EINVAL)
        }
        return address
    }

    /// The port this socket is bound to.
    public func localPort() throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = try withUnsafeMutablePointer(to: &address) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw throws(SystemError) in
                try systemCall("getsockname") { getsockname(fd, raw, &length) }
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Accepts a connection as a non-blocking, close-on-exec socket; `nil` if none is pending.
    public func accept() throws(SystemError) -> Socket? {
        try Socket.accept(listenerFD: fd)
    }

    /// Accepts from a listening descriptor that several loop threads share (accept4 is
    /// thread-safe); `nil` if no connection is pending.
    public static func accept(listenerFD: Int32) throws(SystemError) -> Socket? {
        guard let client = try nonBlockingSystemCall("accept4", { cshim_accept4_nonblocking(listenerFD, nil, nil) })
        else { return nil }
        return Socket(owning: client)
    }

    /// Sets an integer socket option.
    public func setOption(_ level: Int32, _ name: Int32, _ value: Int32) throws(SystemError) {
        var value = value
        _ = try systemCall("setsockopt") {
            setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Disables Nagle's algorithm, so small responses leave at once.
    public func setNoDelay() throws(SystemError) {
        try setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    /// Reads into `buffer`. Returns the byte count (0 at end of stream), or `nil` if a
    /// non-blocking socket has nothing to read now.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        try nonBlockingSystemCall("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Sends bytes with `MSG_NOSIGNAL`. Returns the count written, or `nil` if the send buffer
    /// of a non-blocking socket is full.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        try nonBlockingSystemCall("send") { send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Writes all of `bytes` on a blocking socket.
    public func writeAll(_ bytes: some Collection<UInt8>) throws {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let written = try array.withUnsafeBytes { raw throws(SystemError) in
                try systemCall("send") {
                    send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            offset += written
        }
    }

    /// Shuts down the sending side (the peer reads end of stream).
    public func shutdownWrite() {
        _ = try? systemCall("shutdown") { Glibc.shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes the descriptor; later calls do nothing.
    public func close() {
        guard fd >= 0 else { return }
        // close(2): "the file descriptor is guaranteed to be closed" even on EINTR: never retry.
        _ = Glibc.close(fd)
        fd = -1
    }
}
