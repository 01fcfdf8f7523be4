import Glibc
import Testing

@testable import PosixIO

@Suite struct SocketTests {
    @Test func loopbackRoundTripThroughEpoll() throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        let port = try listener.localPort()
        #expect(port != 0)
        let client = try Socket.connect(host: "127.0.0.1", port: port)
        let epoll = try Epoll()
        try epoll.add(listener.fd, interest: .readable, token: 7)
        var tokens: [UInt64] = []
        try epoll.wait(timeoutMilliseconds: 5_000) { token, _ in tokens.append(token) }
        #expect(tokens == [7])
        let server = try #require(try listener.accept())
        #expect(fcntl(server.fd, F_GETFL) & O_NONBLOCK != 0)
        try client.writeAll(Array("ping".utf8))
        try epoll.add(server.fd, interest: .readable, token: 9)
        try epoll.wait(timeoutMilliseconds: 5_000) { token, events in
            #expect(token == 9)
            #expect(events.contains(.readable))
        }
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = try buffer.withUnsafeMutableBytes { try server.read(into: $0) }
        #expect(count == 4)
        #expect(Array(buffer[0..<4]) == Array("ping".utf8))
        #expect(try buffer.withUnsafeMutableBytes { try server.read(into: $0) } == nil)
        client.close()
        #expect(try buffer.withUnsafeMutableBytes { try server.read(into: $0) } == 0)
    }

    @Test func monotonicTimeArithmetic() {
        let start = MonotonicTime(nanoseconds: 1_000)
        let later = start + .milliseconds(2)
        #expect(later.nanoseconds == 2_001_000)
        #expect(later.duration(since: start) == .milliseconds(2))
        #expect(start.duration(since: later) == .zero)
    }
}
