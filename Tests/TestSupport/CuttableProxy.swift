import Foundation
import Glibc
import Synchronization

/// A TCP relay on 127.0.0.1 in front of a real server on 127.0.0.1, whose connections a test can
/// cut at a moment it chooses: the client then sees its connection close without a word from the
/// server, as after a network failure, which `pg_terminate_backend` (the server says goodbye)
/// cannot show.
///
/// ```swift
/// let proxy = try CuttableProxy(targetPort: 5432)
/// // connect the client to proxy.port, start a statement, then:
/// proxy.cutAll()
/// ```
public final class CuttableProxy: Sendable {
    /// The port clients connect to.
    public let port: UInt16
    private let relay: Relay

    /// Listens on an ephemeral loopback port and relays each connection to `targetPort`.
    public init(targetPort: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = Relay.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            let code = errno
            if fd >= 0 { close(fd) }
            throw ProxyError(description: "cannot listen: errno \(code)")
        }
        port = UInt16(bigEndian: address.sin_port)
        relay = Relay(listener: fd, targetPort: targetPort)
        Thread.detachNewThread { [relay] in relay.acceptLoop() }
    }

    deinit { stop() }

    /// Ends every relayed connection at once (both sides); later connections are relayed again.
    public func cutAll() { relay.cutAll() }

    /// Stops accepting and ends every relayed connection; the threads end and close their sockets.
    public func stop() { relay.stop() }

    struct ProxyError: Error, CustomStringConvertible { var description: String }
}

/// The proxy's sockets and threads, apart from the proxy object so that its threads do not keep
/// it alive. Every descriptor is closed under `state`'s lock, after it has left the sets, so
/// `cutAll` and `stop` never shut down a descriptor number that has been reused.
private final class Relay: Sendable {
    struct State {
        var open: Set<Int32> = []
        var stopped = false
    }
    final class PumpCount: Sendable { let left = Atomic<Int>(2) }

    let listener: Int32
    let targetPort: UInt16
    let state = Mutex(State())

    init(listener: Int32, targetPort: UInt16) {
        self.listener = listener
        self.targetPort = targetPort
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    func cutAll() {
        state.withLock { state in for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))  // wakes accept(2), which then fails
            for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                let code = errno
                let stopped = state.withLock { state in
                    if state.stopped { close(listener) }
                    return state.stopped
                }
                if stopped { return }
                if code != EINTR { usleep(10_000) }  // ECONNABORTED, EMFILE, ...: try again
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)  // not inherited by processes tests spawn
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = server >= 0 && withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            let relayed = connected && state.withLock { state in
                if !state.stopped { state.open.formUnion([client, server]) }
                return !state.stopped
            }
            guard relayed else { close(client); if server >= 0 { close(server) }; continue }
            let pumps = PumpCount()
            for (source, destination) in [(client, server), (server, client)] {
                Thread.detachNewThread { [self] in
                    Self.pump(from: source, to: destination)
                    // The second pump to end closes both.
                    guard pumps.left.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
                    state.withLock { state in
                        state.open.subtract([client, server])
                        close(client)
                        close(server)
                    }
                }
            }
        }
    }

    /// Copies bytes one way until either side ends, then shuts both down.
    static func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        loop: while true {
            let n = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let m = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if m < 0 && errno == EINTR { continue }
                if m <= 0 { break loop }
                sent += m
            }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
    }
}
