import Foundation
import Glibc
import Synchronization

/// A TCP relay on 127.0.0.1 in front of a real server, whose connections a test can cut at a
/// moment it chooses: the client then sees its connection close without a word from the server,
/// as after a network failure, which `pg_terminate_backend` (the server says goodbye) cannot show.
///
/// ```swift
/// let proxy = try CuttableProxy(targetPort: 5432)
/// // connect the client to proxy.port, start a statement, then:
/// proxy.cutAll()
/// ```
public final class CuttableProxy: Sendable {
    /// The port clients connect to.
    public let port: UInt16
    private let targetPort: UInt16
    private let listener: Int32
    /// Every open socket of both sides, so that `cutAll` can close them.
    private let sockets = Mutex<Set<Int32>>([])

    /// Listens on an ephemeral loopback port and relays each connection to `targetPort`.
    public init(targetPort: UInt16) throws {
        self.targetPort = targetPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            if fd >= 0 { close(fd) }
            throw ProxyError(description: "cannot listen: errno \(errno)")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        cutAll()
    }

    /// Ends every relayed connection at once (both sides); later connections are relayed again.
    public func cutAll() {
        sockets.withLock { open in for fd in open { shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    private final class PumpCount: Sendable { let left = Atomic<Int>(2) }

    struct ProxyError: Error, CustomStringConvertible { var description: String }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { if errno == EINTR { continue }; return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            guard server >= 0, connected else { close(client); if server >= 0 { close(server) }; continue }
            sockets.withLock { $0.formUnion([client, server]) }
            let pumps = PumpCount()
            for (source, destination) in [(client, server), (server, client)] {
                Thread.detachNewThread { [self] in
                    Self.pump(from: source, to: destination)
                    // The second pump to end closes both, under the lock, so `cutAll` never
                    // shuts down a descriptor number that has been reused.
                    guard pumps.left.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
                    sockets.withLock { open in
                        open.subtract([client, server])
                        close(client)
                        close(server)
                    }
                }
            }
        }
    }

    /// Copies bytes one way until either side ends, then shuts both down.
    private static func pump(from source: Int32, to destination: Int32) {
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
