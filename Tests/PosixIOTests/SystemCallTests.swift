import Glibc
import Testing

@testable import PosixIO

@Suite struct SystemCallTests {
    @Test func failureCarriesCallNameAndErrno() {
        #expect(throws: SystemError(call: "close", errno: EBADF)) {
            try systemCall("close") { close(-1) }
        }
    }

    @Test func nonBlockingCallReturnsNilOnEAGAIN() throws {
        let event = try EventFD()
        var value: UInt64 = 0
        let result = try nonBlockingSystemCall("read") { read(event.fd, &value, 8) }
        #expect(result == nil)
        event.signal()
        #expect(try nonBlockingSystemCall("read") { read(event.fd, &value, 8) } == 8)
    }

    @Test func descriptorsAreCloseOnExec() throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        let epoll = try Epoll()
        let event = try EventFD()
        for fd in [listener.fd, epoll.fd, event.fd] {
            #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
        }
    }
}
