import Foundation
import Glibc
import PosixIO
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
        nonisolated(unsafe) let listener = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 16)
        port = try listener.localPort()
        relay = Relay(targetPort: targetPort)
        Thread.detachNewThread { [relay] in relay.acceptLoop(listener) }
    }

    deinit { stop() }

    /// Ends every relayed connection at once (both sides); later connections are relayed again.
    public func cutAll() { relay.cutAll() }

    /// Stops accepting (within 50 ms) and ends every relayed connection.
    public func stop() {
        relay.stopped.store(true, ordering: .releasing)
        relay.cutAll()
    }
}

/// The proxy's connections and threads, apart from the proxy object so that its threads do not
/// keep it alive.
private final class Relay: Sendable {
    /// One relayed connection: the client's socket and ours to the server, closed by the second
    /// of its two pumps to end, under `open`'s lock, so `cutAll` never shuts down a descriptor
    /// number that has been reused.
    final class Pair: @unchecked Sendable {
        let client: Socket, server: Socket
        let pumpsLeft = Atomic<Int>(2)
        init(client: Socket, server: Socket) { self.client = client; self.server = server }
    }

    let targetPort: UInt16
    let stopped = Atomic<Bool>(false)
    private let open = Mutex<[ObjectIdentifier: Pair]>([:])

    init(targetPort: UInt16) { self.targetPort = targetPort }

    func cutAll() {
        open.withLock { open in
            for pair in open.values {
                shutdown(pair.client.fd, Int32(SHUT_RDWR))
                shutdown(pair.server.fd, Int32(SHUT_RDWR))
            }
        }
    }

    /// Accepts until stopped (the listener is non-blocking: poll, then accept), then closes it.
    func acceptLoop(_ listener: Socket) {
        var ready = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
        while !stopped.load(ordering: .acquiring) {
            guard poll(&ready, 1, 50) > 0, let client = (try? listener.accept()) ?? nil,
                  let server = try? Socket.connect(host: "127.0.0.1", port: targetPort)
            else { continue }
            // Accepted sockets are non-blocking; the pumps block.
            _ = fcntl(client.fd, F_SETFL, fcntl(client.fd, F_GETFL) & ~O_NONBLOCK)
            let pair = Pair(client: client, server: server)
            open.withLock { $0[ObjectIdentifier(pair)] = pair }
            for (source, destination) in [(client, server), (server, client)] {
                nonisolated(unsafe) let (source, destination) = (source, destination)
                Thread.detachNewThread { [self] in
                    Self.pump(from: source, to: destination)
                    guard pair.pumpsLeft.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
                    open.withLock { open in
                        open[ObjectIdentifier(pair)] = nil
                        pair.client.close()
                        pair.server.close()
                    }
                }
            }
        }
        listener.close()
    }

    /// Copies bytes one way until either side ends, then shuts both down.
    static func pump(from source: Socket, to destination: Socket) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while let count = (try? buffer.withUnsafeMutableBytes { try source.read(into: $0) }) ?? nil, count > 0,
              (try? destination.writeAll(buffer[..<count])) != nil {}
        shutdown(source.fd, Int32(SHUT_RDWR))
        shutdown(destination.fd, Int32(SHUT_RDWR))
    }
}
